// The error boundary of every extern "C" entry point of libvis_faiss: return codes, the message buffer and guarded(),
// which keeps C++ exceptions from crossing into .NET.
#pragma once

#include <faiss/impl/FaissException.h>

#include <cstddef>
#include <cstring>
#include <exception>
#include <new>

#define VIS_EXPORT extern "C" __attribute__((visibility("default")))

namespace vis {

constexpr int kOk = 0;
constexpr int kFaissError = -1;
constexpr int kOutOfMemory = -2;
constexpr int kUnknownError = -3;
constexpr int kBufferTooSmall = -4;

inline void write_error(char* err, size_t err_len, const char* message) {
  if (err == nullptr || err_len == 0) return;
  size_t n = std::strlen(message);
  if (n >= err_len) n = err_len - 1;
  std::memcpy(err, message, n);
  err[n] = '\0';
}

// Runs body() and turns every exception into an error code plus message.
template <typename Body>
int guarded(char* err, size_t err_len, Body&& body) {
  try {
    body();
    return kOk;
  } catch (const faiss::FaissException& e) {
    write_error(err, err_len, e.what());
    return kFaissError;
  } catch (const std::bad_alloc&) {
    write_error(err, err_len, "out of memory");
    return kOutOfMemory;
  } catch (const std::exception& e) {
    write_error(err, err_len, e.what());
    return kUnknownError;
  } catch (...) {
    write_error(err, err_len, "unknown native exception");
    return kUnknownError;
  }
}

}  // namespace vis
