/*
 * Fixed-argument entry points over libvips for VectorImageSearch.Onnx (see CMakeLists.txt).
 *
 * Managed code never calls a C varargs function (DESIGN §2): every libvips call that takes options lives here.
 * Every function returns a VIS_VIPS_* code and, on failure, copies libvips' message into the caller's buffer.
 * Nothing here aborts or exits on bad input: arguments are checked and libvips' own errors are returned.
 */
#include <vips/vips.h>
#include <stdint.h>
#include <string.h>

#define VIS_EXPORT __attribute__((visibility("default")))

/* Result codes, mirrored by VipsStatus in Interop/VipsStatus.cs. */
enum {
  VIS_VIPS_OK = 0,
  VIS_VIPS_EMPTY = 1,          /* no bytes at all */
  VIS_VIPS_UNKNOWN_FORMAT = 2, /* no libvips loader recognises the bytes */
  VIS_VIPS_UNSUPPORTED = 3,    /* a loader exists but the format is not one we decode */
  VIS_VIPS_TOO_LARGE = 4,      /* the header claims more pixels than allowed */
  VIS_VIPS_CORRUPT = 5,        /* the header or the pixels could not be decoded */
  VIS_VIPS_IO = 6,             /* the file could not be opened */
  VIS_VIPS_ARGUMENT = 7,       /* a bad argument from the caller */
  VIS_VIPS_INTERNAL = 8        /* anything else libvips reported */
};

/* The loaders we accept (libvips type names of the source loaders). Others (SVG, PDF, …) are refused as unsupported. */
static const char *const vis_allowed_loaders[] = {
  "VipsForeignLoadJpegSource", "VipsForeignLoadPngSource", "VipsForeignLoadSpngSource", "VipsForeignLoadWebpSource",
  "VipsForeignLoadNsgifSource", "VipsForeignLoadGifSource", "VipsForeignLoadTiffSource", "VipsForeignLoadHeifSource",
  NULL
};

static void vis_set_error(char *error, size_t error_length, const char *fallback) {
  if (error == NULL || error_length == 0) return;
  char *message = vips_error_buffer_copy(); /* copies and clears libvips' buffer */
  const char *text = message != NULL && message[0] != '\0' ? message : fallback;
  strncpy(error, text, error_length - 1);
  error[error_length - 1] = '\0';
  size_t n = strlen(error); /* libvips ends messages with a newline */
  while (n > 0 && (error[n - 1] == '\n' || error[n - 1] == ' ')) error[--n] = '\0';
  g_free(message);
}

/* Our own message. libvips' error buffer is process-wide, so it is left alone: clearing it here could wipe the message
 * another thread is about to read. */
static void vis_set_text(char *error, size_t error_length, const char *text) {
  if (error == NULL || error_length == 0) return;
  strncpy(error, text, error_length - 1);
  error[error_length - 1] = '\0';
}

/* Starts libvips once per process and turns off its operation cache (memory must not grow, and buffers are reused
 * by the managed side, so a cached load keyed on a buffer address would be wrong). Returns 0, or -1 with a message. */
/* libvips reports recoverable decoder complaints through GLib warnings on stderr. A bad image already fails with
   its message (fail-on), so the warnings would only repeat it on the host application's console. */
static void vis_drop_log(const gchar *domain, GLogLevelFlags level, const gchar *message, gpointer data) {
  (void)domain;
  (void)level;
  (void)message;
  (void)data;
}

VIS_EXPORT int vis_vips_init(char *error, size_t error_length) {
  g_log_set_handler("VIPS", G_LOG_LEVEL_WARNING | G_LOG_LEVEL_MESSAGE | G_LOG_LEVEL_INFO, vis_drop_log, NULL);
  if (VIPS_INIT("VectorImageSearch") != 0) {
    vis_set_error(error, error_length, "vips_init failed");
    return -1;
  }
  vips_cache_set_max(0);
  vips_cache_set_max_mem(0);
  vips_cache_set_max_files(0);
  vips_block_untrusted_set(TRUE);
  return 0;
}

/* libvips' own version number: flag 0 major, 1 minor, 2 micro. */
VIS_EXPORT int vis_vips_version(int flag) { return vips_version(flag); }

static VipsSource *vis_source(const void *data, size_t length, const char *path) {
  return path != NULL ? vips_source_new_from_file(path) : vips_source_new_from_memory(data, length);
}

static int vis_loader_allowed(const char *loader) {
  for (int i = 0; vis_allowed_loaders[i] != NULL; i++) {
    if (strcmp(vis_allowed_loaders[i], loader) == 0) return 1;
  }
  return 0;
}

static VipsImage *vis_load(VipsSource *source, int is_jpeg, int shrink, int sequential, int fail_on) {
  VipsAccess access = sequential ? VIPS_ACCESS_SEQUENTIAL : VIPS_ACCESS_RANDOM;
  if (is_jpeg && shrink > 1) {
    return vips_image_new_from_source(source, "", "access", access, "fail_on", fail_on, "shrink", shrink, NULL);
  }
  return vips_image_new_from_source(source, "", "access", access, "fail_on", fail_on, NULL);
}

/* Turns a loaded image into 8-bit sRGB with exactly three bands: EXIF orientation applied; CMYK, grey, LAB, 16-bit
 * and float converted by libvips' colourspace rules; alpha (and any extra band) dropped without compositing, as
 * PIL's Image.convert("RGB") does. Takes ownership of in. */
static VipsImage *vis_to_rgb8(VipsImage *in) {
  VipsImage *t[6] = { NULL };
  VipsImage *current = in;
  VipsImage *result = NULL;
  if (vips_autorot(current, &t[0], NULL)) goto done;
  current = t[0];
  VipsInterpretation interpretation = vips_image_guess_interpretation(current);
  if (interpretation != VIPS_INTERPRETATION_sRGB || vips_image_get_format(current) != VIPS_FORMAT_UCHAR) {
    if (vips_colourspace(current, &t[1], VIPS_INTERPRETATION_sRGB, NULL)) goto done;
    current = t[1];
  }
  if (vips_image_get_format(current) != VIPS_FORMAT_UCHAR) {
    if (vips_cast_uchar(current, &t[2], NULL)) goto done;
    current = t[2];
  }
  int bands = vips_image_get_bands(current);
  if (bands > 3) {
    if (vips_extract_band(current, &t[3], 0, "n", 3, NULL)) goto done;
    current = t[3];
  } else if (bands < 3) {
    if (vips_extract_band(current, &t[3], 0, NULL)) goto done;
    VipsImage *grey[3] = { t[3], t[3], t[3] };
    if (vips_bandjoin(grey, &t[4], 3, NULL)) goto done;
    current = t[4];
  }
  result = current;
  g_object_ref(result);
done:
  for (int i = 0; i < 6; i++) {
    if (t[i] != NULL) g_object_unref(t[i]);
  }
  g_object_unref(in);
  return result;
}

/*
 * Opens an encoded image (data/length, or path when path is not NULL) and prepares — without decoding pixels — an
 * 8-bit, three-band sRGB pipeline whose pixels vis_vips_read_rgb computes.
 *
 * max_pixels: refuse images whose header claims more pixels than this (0: no limit), checked before any pixel is read.
 * min_short_edge: when > 0 and the image is a JPEG, decode with JPEG shrink-on-load by the largest factor 2, 4 or 8
 *   that keeps the shorter edge at least this long. 0 turns shrink-on-load off.
 * fail_on: libvips' VipsFailOn (0 none, 1 truncated, 2 error, 3 warning).
 * On success *image holds the pipeline (free with vis_vips_release), *width and *height its size after orientation,
 * *source_width and *source_height the size of the image before shrinking (after orientation), *shrink the factor used.
 * The memory behind data must stay valid until the pipeline is released.
 */
VIS_EXPORT int vis_vips_open(const void *data, size_t length, const char *path, int64_t max_pixels,
                             int min_short_edge, int fail_on, VipsImage **image, int *width, int *height,
                             int *source_width, int *source_height, int *shrink, char *loader, size_t loader_length,
                             char *error, size_t error_length) {
  if (image == NULL || width == NULL || height == NULL || source_width == NULL || source_height == NULL ||
      shrink == NULL || (path == NULL && data == NULL && length != 0) || fail_on < 0 ||
      fail_on >= VIPS_FAIL_ON_LAST || max_pixels < 0) {
    vis_set_text(error, error_length, "invalid argument to vis_vips_open");
    return VIS_VIPS_ARGUMENT;
  }
  *image = NULL;
  if (loader != NULL && loader_length > 0) loader[0] = '\0';
  if (path == NULL && length == 0) {
    vis_set_text(error, error_length, "no bytes");
    return VIS_VIPS_EMPTY;
  }

  VipsSource *source = vis_source(data, length, path);
  if (source == NULL) {
    vis_set_error(error, error_length, "cannot open the file");
    return VIS_VIPS_IO;
  }
  if (path != NULL && vips_source_length(source) == 0) {
    g_object_unref(source);
    vis_set_text(error, error_length, "no bytes");
    return VIS_VIPS_EMPTY;
  }
  const char *found = vips_foreign_find_load_source(source);
  if (found == NULL) {
    g_object_unref(source);
    vis_set_error(error, error_length, "not a known image format");
    return VIS_VIPS_UNKNOWN_FORMAT;
  }
  if (loader != NULL && loader_length > 0) {
    strncpy(loader, found, loader_length - 1);
    loader[loader_length - 1] = '\0';
  }
  if (!vis_loader_allowed(found)) {
    g_object_unref(source);
    vis_set_text(error, error_length, found);
    return VIS_VIPS_UNSUPPORTED;
  }
  int is_jpeg = strcmp(found, "VipsForeignLoadJpegSource") == 0;

  /* Header only: libvips' loaders are lazy, no pixel is decoded until a region is prepared. */
  VipsImage *header = vis_load(source, 0, 1, 1, fail_on);
  if (header == NULL) {
    g_object_unref(source);
    vis_set_error(error, error_length, "cannot read the image header");
    return VIS_VIPS_CORRUPT;
  }
  int full_width = vips_image_get_width(header);
  int full_height = vips_image_get_height(header);
  int orientation = vips_image_get_orientation(header);
  int swap = vips_image_get_orientation_swap(header);
  g_object_unref(header);
  if (max_pixels > 0 && (int64_t)full_width * (int64_t)full_height > max_pixels) {
    g_object_unref(source);
    char text[160];
    snprintf(text, sizeof text, "%dx%d", full_width, full_height);
    vis_set_text(error, error_length, text);
    *source_width = swap ? full_height : full_width;
    *source_height = swap ? full_width : full_height;
    return VIS_VIPS_TOO_LARGE;
  }

  int factor = 1;
  if (is_jpeg && min_short_edge > 0) {
    int short_edge = full_width < full_height ? full_width : full_height;
    while (factor < 8 && short_edge / (factor * 2) >= min_short_edge) factor *= 2;
  }

  /* Rotations other than the identity read the decoded image out of order, so they need random access. */
  int sequential = orientation <= 1;
  if (path != NULL) { /* a file source has been read from; start a fresh one */
    g_object_unref(source);
    source = vis_source(data, length, path);
    if (source == NULL) {
      vis_set_error(error, error_length, "cannot open the file");
      return VIS_VIPS_IO;
    }
  } else if (vips_source_rewind(source)) {
    g_object_unref(source);
    vis_set_error(error, error_length, "cannot rewind the source");
    return VIS_VIPS_INTERNAL;
  }
  VipsImage *loaded = vis_load(source, is_jpeg, factor, sequential, fail_on);
  g_object_unref(source); /* the image holds its own reference */
  if (loaded == NULL) {
    vis_set_error(error, error_length, "cannot read the image header");
    return VIS_VIPS_CORRUPT;
  }
  VipsImage *rgb = vis_to_rgb8(loaded);
  if (rgb == NULL) {
    vis_set_error(error, error_length, "cannot convert the image to 8-bit sRGB");
    return VIS_VIPS_CORRUPT;
  }
  *image = rgb;
  *width = vips_image_get_width(rgb);
  *height = vips_image_get_height(rgb);
  *source_width = swap ? full_height : full_width;
  *source_height = swap ? full_width : full_height;
  *shrink = factor;
  return VIS_VIPS_OK;
}

/* Decodes the pipeline from vis_vips_open into destination: width × height × 3 bytes, rows top to bottom, RGB
 * interleaved. Runs on the calling thread, a strip at a time. Truncated or corrupt data fails here. */
VIS_EXPORT int vis_vips_read_rgb(VipsImage *image, uint8_t *destination, size_t destination_length, char *error,
                                 size_t error_length) {
  if (image == NULL || destination == NULL) {
    vis_set_text(error, error_length, "invalid argument to vis_vips_read_rgb");
    return VIS_VIPS_ARGUMENT;
  }
  int width = vips_image_get_width(image);
  int height = vips_image_get_height(image);
  size_t row = (size_t)width * 3;
  if (vips_image_get_bands(image) != 3 || vips_image_get_format(image) != VIPS_FORMAT_UCHAR ||
      destination_length < row * (size_t)height) {
    vis_set_text(error, error_length, "destination too small or image not 8-bit RGB");
    return VIS_VIPS_ARGUMENT;
  }
  VipsRegion *region = vips_region_new(image);
  if (region == NULL) {
    vis_set_error(error, error_length, "cannot create a region");
    return VIS_VIPS_INTERNAL;
  }
  const int strip = 64;
  for (int top = 0; top < height; top += strip) {
    VipsRect rect = { 0, top, width, top + strip <= height ? strip : height - top };
    if (vips_region_prepare(region, &rect)) {
      g_object_unref(region);
      vis_set_error(error, error_length, "cannot decode the pixels");
      return VIS_VIPS_CORRUPT;
    }
    for (int y = 0; y < rect.height; y++) {
      memcpy(destination + (size_t)(top + y) * row, VIPS_REGION_ADDR(region, 0, top + y), row);
    }
  }
  g_object_unref(region);
  return VIS_VIPS_OK;
}

/*
 * The opt-in libvips resampler: reduces the pipeline from vis_vips_open by hshrink × vshrink (both ≥ 1) with
 * vips_reduce (kernel 1 linear, 2 cubic), cuts the window left, top, width × height out of the result and decodes only
 * that window into destination (width × height × 3 bytes).
 */
VIS_EXPORT int vis_vips_reduce_crop(VipsImage *image, double hshrink, double vshrink, int kernel, int left, int top,
                                    int width, int height, uint8_t *destination, size_t destination_length,
                                    char *error, size_t error_length) {
  if (image == NULL || destination == NULL || !(hshrink >= 1.0) || !(vshrink >= 1.0) || (kernel != 1 && kernel != 2) ||
      left < 0 || top < 0 || width <= 0 || height <= 0 || destination_length < (size_t)width * (size_t)height * 3) {
    vis_set_text(error, error_length, "invalid argument to vis_vips_reduce_crop");
    return VIS_VIPS_ARGUMENT;
  }
  VipsImage *reduced = NULL;
  VipsImage *window = NULL;
  if (vips_reduce(image, &reduced, hshrink, vshrink, "kernel", (VipsKernel)kernel, NULL)) {
    vis_set_error(error, error_length, "vips_reduce failed");
    return VIS_VIPS_INTERNAL;
  }
  if (left + width > vips_image_get_width(reduced) || top + height > vips_image_get_height(reduced)) {
    g_object_unref(reduced);
    vis_set_text(error, error_length, "the crop window lies outside the reduced image");
    return VIS_VIPS_ARGUMENT;
  }
  if (vips_extract_area(reduced, &window, left, top, width, height, NULL)) {
    g_object_unref(reduced);
    vis_set_error(error, error_length, "vips_extract_area failed");
    return VIS_VIPS_INTERNAL;
  }
  g_object_unref(reduced);
  int status = vis_vips_read_rgb(window, destination, destination_length, error, error_length);
  g_object_unref(window);
  return status;
}

/* Releases a pipeline from vis_vips_open. NULL is ignored. */
VIS_EXPORT void vis_vips_release(VipsImage *image) {
  if (image != NULL) g_object_unref(image);
}

/* Frees a buffer from vis_vips_encode. NULL is ignored. */
VIS_EXPORT void vis_vips_free(void *buffer) { g_free(buffer); }

/*
 * Encodes pixels (width × height × bands bytes, interleaved; bands 1 to 4) with a libvips saver chosen by suffix,
 * which may carry saver options (".jpg[Q=95]", ".png[palette]", ".tif", ".webp", ".gif").
 * kind: 0 as given; 1 16-bit (each value × 257); 2 CMYK (the RGB pixels converted with libvips' CMYK profile).
 * orientation: 0 none, else the EXIF orientation to record (1–8).
 * On success *buffer (free with vis_vips_free) and *buffer_length hold the file.
 */
VIS_EXPORT int vis_vips_encode(const uint8_t *pixels, size_t pixels_length, int width, int height, int bands,
                               int kind, int orientation, const char *suffix, void **buffer, size_t *buffer_length,
                               char *error, size_t error_length) {
  if (pixels == NULL || suffix == NULL || buffer == NULL || buffer_length == NULL || width <= 0 || height <= 0 ||
      bands < 1 || bands > 4 || kind < 0 || kind > 2 || orientation < 0 || orientation > 8 ||
      pixels_length < (size_t)width * (size_t)height * (size_t)bands || (kind == 2 && bands != 3)) {
    vis_set_text(error, error_length, "invalid argument to vis_vips_encode");
    return VIS_VIPS_ARGUMENT;
  }
  *buffer = NULL;
  *buffer_length = 0;
  VipsImage *t[3] = { NULL };
  int status = VIS_VIPS_INTERNAL;
  t[0] = vips_image_new_from_memory_copy(pixels, pixels_length, width, height, bands, VIPS_FORMAT_UCHAR);
  if (t[0] == NULL) goto done;
  t[0]->Type = bands <= 2 ? VIPS_INTERPRETATION_B_W : VIPS_INTERPRETATION_sRGB;
  VipsImage *current = t[0];
  if (kind == 1) {
    if (vips_linear1(current, &t[1], 257.0, 0.0, NULL)) goto done;
    if (vips_cast_ushort(t[1], &t[2], NULL)) goto done;
    current = t[2];
    current->Type = bands <= 2 ? VIPS_INTERPRETATION_GREY16 : VIPS_INTERPRETATION_RGB16;
  } else if (kind == 2) {
    if (vips_colourspace(current, &t[1], VIPS_INTERPRETATION_CMYK, NULL)) goto done;
    current = t[1];
  }
  if (orientation > 0) vips_image_set_int(current, VIPS_META_ORIENTATION, orientation);
  if (vips_image_write_to_buffer(current, suffix, buffer, buffer_length, NULL)) goto done;
  status = VIS_VIPS_OK;
done:
  if (status != VIS_VIPS_OK) vis_set_error(error, error_length, "cannot encode the image");
  for (int i = 0; i < 3; i++) {
    if (t[i] != NULL) g_object_unref(t[i]);
  }
  return status;
}
