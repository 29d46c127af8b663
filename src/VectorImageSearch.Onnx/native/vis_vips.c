/* Fixed-argument entry points over libvips for VectorImageSearch.Onnx (see CMakeLists.txt). */
#include <vips/vips.h>
#include <string.h>

#define VIS_EXPORT __attribute__((visibility("default")))

static void vis_copy_error(char *error, size_t error_length) {
  if (error == NULL || error_length == 0) return;
  const char *message = vips_error_buffer();
  strncpy(error, message != NULL && message[0] != '\0' ? message : "unknown libvips error", error_length - 1);
  error[error_length - 1] = '\0';
  vips_error_clear();
}

/* Starts libvips once per process; returns 0, or -1 with libvips' message in error. */
VIS_EXPORT int vis_vips_init(char *error, size_t error_length) {
  if (VIPS_INIT("VectorImageSearch") != 0) {
    vis_copy_error(error, error_length);
    return -1;
  }
  return 0;
}

/* libvips' own version number: flag 0 major, 1 minor, 2 micro. */
VIS_EXPORT int vis_vips_version(int flag) { return vips_version(flag); }
