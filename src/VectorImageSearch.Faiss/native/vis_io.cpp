// Serialisation entry points: an index to and from memory, and from a file, each read validated first (vis_validate.h).
#include <faiss/Index.h>
#include <faiss/impl/io.h>
#include <faiss/index_io.h>
#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "vis_guarded.h"
#include "vis_validate.h"

#include <algorithm>
#include <cerrno>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <new>
#include <stdexcept>
#include <string>

using vis::guarded;

namespace {

// Reads from caller-owned memory without copying it; a short read makes FAISS throw its "read error".
struct MemoryReader : faiss::IOReader {
  MemoryReader(const uint8_t* data, size_t size) : data_(data), size_(size) { name = "<bytes>"; }
  size_t operator()(void* ptr, size_t size, size_t nitems) override {
    if (size == 0 || nitems == 0) return 0;
    const size_t available = (size_ - position_) / size;
    const size_t items = std::min(nitems, available);
    std::memcpy(ptr, data_ + position_, items * size);
    position_ += items * size;
    return items;
  }

 private:
  const uint8_t* data_;
  size_t size_;
  size_t position_ = 0;
};

}  // namespace

// Writes the index into a malloc'ed buffer; free it with vis_faiss_free_buffer.
VIS_EXPORT int vis_faiss_serialize(const faiss::Index* index, uint8_t** data, size_t* size, char* err,
                                   size_t err_len) {
  return guarded(err, err_len, [&] {
    if (index == nullptr || data == nullptr || size == nullptr) {
      throw std::invalid_argument("vis_faiss_serialize: invalid argument");
    }
    *data = nullptr;
    *size = 0;
    faiss::VectorIOWriter writer;
    faiss::write_index(index, &writer);
    auto* buffer = static_cast<uint8_t*>(std::malloc(std::max<size_t>(1, writer.data.size())));
    if (buffer == nullptr) throw std::bad_alloc();
    std::memcpy(buffer, writer.data.data(), writer.data.size());
    *data = buffer;
    *size = writer.data.size();
  });
}

VIS_EXPORT void vis_faiss_free_buffer(uint8_t* data) { std::free(data); }

// Reads an index from memory the caller keeps alive for the duration of the call. The bytes are validated first
// (vis_validate.h), so FAISS's reader never allocates more than the data can hold, and the loaded structures are
// checked before the index is handed out.
VIS_EXPORT int vis_faiss_deserialize(const uint8_t* data, size_t size, faiss::Index** out, char* err,
                                     size_t err_len) {
  return guarded(err, err_len, [&] {
    if (data == nullptr || out == nullptr) throw std::invalid_argument("vis_faiss_deserialize: invalid argument");
    *out = nullptr;
    vis::validate_serialized(data, size);
    MemoryReader reader(data, size);
    std::unique_ptr<faiss::Index> index(faiss::read_index(&reader));
    vis::validate_loaded(index.get());
    *out = index.release();
  });
}

// Reads an index file with FAISS's io_flags (memory-mapping included) after validating its bytes through a read-only
// mapping of the file, then checks the loaded structures.
VIS_EXPORT int vis_faiss_read_file(const char* path, int io_flags, faiss::Index** out, char* err, size_t err_len) {
  return guarded(err, err_len, [&] {
    if (path == nullptr || out == nullptr) throw std::invalid_argument("vis_faiss_read_file: invalid argument");
    *out = nullptr;
    const int fd = ::open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) throw std::runtime_error(std::string("cannot open the file: ") + std::strerror(errno));
    struct stat info {};
    if (::fstat(fd, &info) != 0 || !S_ISREG(info.st_mode)) {
      ::close(fd);
      throw std::runtime_error("not a regular file");
    }
    const size_t size = static_cast<size_t>(info.st_size);
    void* mapped = size == 0 ? nullptr : ::mmap(nullptr, size, PROT_READ, MAP_PRIVATE, fd, 0);
    ::close(fd);
    if (mapped == MAP_FAILED) throw std::runtime_error(std::string("cannot map the file: ") + std::strerror(errno));
    try {
      static const uint8_t empty = 0;
      vis::validate_serialized(mapped == nullptr ? &empty : static_cast<const uint8_t*>(mapped), size);
    } catch (...) {
      if (mapped != nullptr) ::munmap(mapped, size);
      throw;
    }
    if (mapped != nullptr) ::munmap(mapped, size);
    std::unique_ptr<faiss::Index> index(faiss::read_index(path, io_flags));
    vis::validate_loaded(index.get());
    *out = index.release();
  });
}
