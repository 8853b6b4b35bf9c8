#include "clicks/click_journal.hpp"

#include "logging/logging.hpp"
#include "logging/thread_name.hpp"

#include <algorithm>
#include <array>
#include <cerrno>
#include <charconv>
#include <cstring>
#include <limits>
#include <stdexcept>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

namespace linkledger::clicks {
namespace {

constexpr std::size_t k_header_bytes = 8;
constexpr std::uint32_t k_max_record_bytes = 1u << 20;
constexpr std::string_view k_suffix = ".journal";
constexpr std::size_t k_read_chunk = 2u << 20;

void put_u32(char* out, std::uint32_t v)
{
    for (int i = 0; i < 4; ++i)
        out[i] = static_cast<char>((v >> (8 * i)) & 0xff);
}

std::uint32_t get_u32(char const* in)
{
    std::uint32_t v = 0;
    for (int i = 3; i >= 0; --i)
        v = (v << 8) | static_cast<std::uint8_t>(in[i]);
    return v;
}

bool write_all(int fd, std::string_view data)
{
    while (!data.empty()) {
        auto const n = ::write(fd, data.data(), data.size());
        if (n < 0) {
            if (errno == EINTR)
                continue;
            return false;
        }
        data.remove_prefix(static_cast<std::size_t>(n));
    }
    return true;
}

// The file from `offset` into `out`, at most `limit` bytes. `out` is the caller's, kept from
// read to read: a fresh megabytes-long block per batch cost page faults on every read.
void read_from(std::filesystem::path const& path, std::uint64_t offset, std::size_t limit, std::string& out)
{
    out.clear();
    int const fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return;
    // One block of what is there to read, not a chain of doublings.
    struct stat st {};
    if (::fstat(fd, &st) == 0 && static_cast<std::uint64_t>(st.st_size) > offset) {
        auto const on_disk = static_cast<std::uint64_t>(st.st_size) - offset;
        out.resize(static_cast<std::size_t>(std::min<std::uint64_t>(limit, on_disk)));
    }
    std::size_t got = 0;
    // Past what fstat saw, the file may still be growing: read on in blocks until the limit.
    for (;;) {
        if (got == out.size()) {
            if (out.size() >= limit)
                break;
            out.resize(std::min(limit, out.size() + (std::size_t{1} << 16)));
        }
        auto const n = ::pread(fd, out.data() + got, out.size() - got, static_cast<off_t>(offset + got));
        if (n <= 0)
            break;
        got += static_cast<std::size_t>(n);
    }
    out.resize(got);
    ::close(fd);
}

} // namespace

click_journal::click_journal(std::filesystem::path dir, std::uint64_t segment_bytes,
                             std::uint64_t max_bytes, journal_sync_policy sync)
    : dir_(std::move(dir)), segment_bytes_(segment_bytes), max_bytes_(max_bytes), sync_(sync)
{
    // The segment being written is never deleted: with a budget, segments are at most an
    // eighth of it, so shipped ones can always give back most of the room.
    if (max_bytes_ > 0)
        segment_bytes_ = std::clamp<std::uint64_t>(max_bytes_ / 8, 4096, segment_bytes_);
    std::error_code ec;
    std::filesystem::create_directories(dir_, ec);
    if (ec)
        throw std::runtime_error("click journal: cannot create " + dir_.string() + ": " + ec.message());
    auto const existing = segments();
    std::uint64_t on_disk = 0;
    for (auto const segment : existing) {
        auto const size = std::filesystem::file_size(segment_path(segment), ec);
        on_disk += ec ? 0 : size;
    }
    std::lock_guard lock(mutex_);
    disk_bytes_ = on_disk;
    // A restart always begins a new segment: the old ones are then final, and a torn record
    // left by a crash can only sit at the end of a finished segment.
    if (!open_segment(existing.empty() ? 1 : existing.back() + 1))
        throw std::runtime_error("click journal: cannot write in " + dir_.string() + ": " +
                                 std::strerror(errno));
    if (sync_.mode == journal_sync::interval)
        syncer_ = std::thread([this] {
            logging::name_this_thread("ll-journal-sync");
            sync_every_interval();
        });
}

click_journal::~click_journal()
{
    if (syncer_.joinable()) {
        {
            std::lock_guard lock(sync_mutex_);
            sync_stop_ = true;
        }
        sync_wake_.notify_all();
        syncer_.join();
    }
    if (fd_ >= 0) {
        if (sync_.mode != journal_sync::none)
            ::fdatasync(fd_);
        ::close(fd_);
    }
}

void click_journal::sync_every_interval()
{
    std::unique_lock wait_lock(sync_mutex_);
    while (!sync_wake_.wait_for(wait_lock, sync_.interval, [this] { return sync_stop_; })) {
        if (!unsynced_.exchange(false))
            continue;
        // A duplicate of the segment's descriptor, so appends go on during the sync and a
        // segment switch cannot close it under us; syncing it syncs the file.
        int fd = -1;
        {
            std::lock_guard lock(mutex_);
            if (fd_ >= 0)
                fd = ::fcntl(fd_, F_DUPFD_CLOEXEC, 0);
        }
        if (fd < 0)
            continue;
        if (::fdatasync(fd) == 0)
            ++syncs_;
        ::close(fd);
    }
}

// A new segment's name must survive a power cut too, or its synced records would be lost
// with it.
void click_journal::sync_directory() const
{
    int const fd = ::open(dir_.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0)
        return;
    ::fsync(fd);
    ::close(fd);
}

std::filesystem::path click_journal::segment_path(std::uint64_t segment) const
{
    char name[32];
    auto const [end, ec] = std::to_chars(name, name + sizeof name, segment);
    (void)ec;
    std::string digits(name, end);
    return dir_ / (std::string(20 - std::min<std::size_t>(20, digits.size()), '0') + digits +
                   std::string(k_suffix));
}

bool click_journal::open_segment(std::uint64_t segment)
{
    int const fd = ::open(segment_path(segment).c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
    if (fd < 0)
        return false;
    if (fd_ >= 0) {
        ::fdatasync(fd_); // a finished segment is worth one sync, whatever the policy
        ::close(fd_);
    }
    fd_ = fd;
    segment_ = segment;
    segment_size_ = 0;
    if (sync_.mode != journal_sync::none)
        sync_directory();
    return true;
}

namespace {

// One buffer per thread; `owner` tells which journal staged it (tests make several).
struct staged_clicks {
    click_journal const* owner = nullptr;
    std::string bytes;
    std::uint64_t count = 0;
};
thread_local staged_clicks t_staged;

} // namespace

void click_journal::stage(click const& c)
{
    if (t_staged.owner != this) {
        t_staged = {this, {}, 0};
    }
    auto& bytes = t_staged.bytes;
    auto const at = bytes.size();
    bytes.resize(at + k_header_bytes);
    try {
        append_encoded_click(bytes, c);
    } catch (...) {
        bytes.resize(at); // a header without its record would be flushed as one
        throw;
    }
    std::string_view const payload(bytes.data() + at + k_header_bytes, bytes.size() - at - k_header_bytes);
    put_u32(bytes.data() + at, static_cast<std::uint32_t>(payload.size()));
    put_u32(bytes.data() + at + 4, crc32(payload));
    ++t_staged.count;
}

bool click_journal::has_staged() const
{
    return t_staged.owner == this && t_staged.count > 0;
}

bool click_journal::append(click const& c)
{
    stage(c);
    return flush_staged();
}

bool click_journal::flush_staged()
{
    if (!has_staged())
        return true;
    auto const count = t_staged.count;
    t_staged.count = 0;
    // Emptied on every way out but kept: the next loop turn stages into the same memory. A
    // buffer a burst made large is given back.
    struct emptied_after {
        std::string& bytes;
        ~emptied_after()
        {
            if (bytes.capacity() > (256u << 10))
                std::string().swap(bytes);
            else
                bytes.clear();
        }
    } const empty_later{t_staged.bytes};
    std::string const& records = t_staged.bytes;

    bool ok = false;
    int error = 0;
    {
        std::lock_guard lock(mutex_);
        if (max_bytes_ > 0 && disk_bytes_ + records.size() > max_bytes_) {
            drop_over_budget(count);
            return false;
        }
        if (over_budget_) {
            over_budget_ = false;
            logging::warn("click journal back under its disk budget: recording clicks again",
                          {{"dir", dir_.string()}, {"dropped", dropped_over_budget_.load()}});
        }
        ok = fd_ >= 0 || open_segment(segment_ + 1);
        if (ok && segment_size_ >= segment_bytes_)
            ok = open_segment(segment_ + 1);
        if (ok) {
            // Whole records in one write(): the kernel has them before any of their replies.
            ok = write_all(fd_, records);
            if (ok) {
                segment_size_ += records.size();
                disk_bytes_ += records.size();
                // Before any of these clicks' replies: the group commit makes one sync serve
                // every request of the event-loop turn.
                if (sync_.mode == journal_sync::always) {
                    if (::fdatasync(fd_) == 0)
                        ++syncs_;
                } else if (sync_.mode == journal_sync::interval) {
                    unsynced_.store(true, std::memory_order_relaxed);
                }
            } else if (::ftruncate(fd_, static_cast<off_t>(segment_size_)) != 0) {
                // A partial record may be left behind and cannot be cut off: continue in a
                // new segment, so the reader meets a torn tail, never a record glued to garbage.
                ::close(fd_);
                fd_ = -1;
            }
        }
        error = errno;
    }
    if (ok) {
        appended_ += count;
        return true;
    }
    write_failures_ += count;
    auto const now = std::chrono::steady_clock::now();
    std::lock_guard lock(mutex_);
    if (now - last_failure_log_ > std::chrono::seconds(10)) {
        last_failure_log_ = now;
        logging::error("click journal write failed dir={dir} error={error} failures={failures}: clicks are being lost",
                       {{"dir", dir_.string()}, {"error", std::strerror(error)}, {"failures", write_failures_.load()}});
    }
    return false;
}

void click_journal::drop_over_budget(std::uint64_t count)
{
    dropped_over_budget_ += count;
    over_budget_ = true;
    // Loud, but one line per 10 s: under a flood, a line per click would fill the disk the
    // budget is protecting.
    auto const now = std::chrono::steady_clock::now();
    if (last_budget_log_ != std::chrono::steady_clock::time_point{} &&
        now - last_budget_log_ < std::chrono::seconds(10))
        return;
    last_budget_log_ = now;
    logging::error("click journal over its disk budget dir={dir} max_bytes={max_bytes} on_disk={on_disk} "
                   "dropped={dropped}: clicks are redirected but NOT recorded until the backlog is shipped to "
                   "PostgreSQL",
                   {{"dir", dir_.string()},
                    {"max_bytes", max_bytes_},
                    {"on_disk", disk_bytes_},
                    {"dropped", dropped_over_budget_.load()}});
}

std::uint64_t click_journal::disk_bytes() const
{
    std::lock_guard lock(mutex_);
    return disk_bytes_;
}

std::vector<std::uint64_t> click_journal::segments() const
{
    std::vector<std::uint64_t> out;
    std::error_code ec;
    for (auto const& entry : std::filesystem::directory_iterator(dir_, ec)) {
        auto const name = entry.path().filename().string();
        if (!name.ends_with(k_suffix))
            continue;
        std::uint64_t number = 0;
        auto const digits = std::string_view(name).substr(0, name.size() - k_suffix.size());
        auto const [ptr, err] = std::from_chars(digits.data(), digits.data() + digits.size(), number);
        if (err == std::errc{} && ptr == digits.data() + digits.size())
            out.push_back(number);
    }
    std::sort(out.begin(), out.end());
    return out;
}

std::uint64_t click_journal::current_segment() const
{
    std::lock_guard lock(mutex_);
    return segment_;
}

template <class OnRecord>
journal_position click_journal::walk(journal_position from, std::size_t max_records, OnRecord&& on_record,
                                     std::uint64_t* skipped_bytes, std::string& data) const
{
    std::size_t taken = 0;
    // Fixed before reading: a segment older than the one being written is final.
    auto const current = current_segment();
    auto const on_disk = segments();
    while (taken < max_records) {
        // A position in a segment that is gone (or before the first) moves to the next one.
        auto const it = std::lower_bound(on_disk.begin(), on_disk.end(), from.segment);
        if (it == on_disk.end())
            break;
        if (*it != from.segment)
            from = {*it, 0};
        read_from(segment_path(from.segment), from.offset, k_read_chunk, data);
        std::size_t pos = 0;
        while (taken < max_records && data.size() - pos >= k_header_bytes) {
            auto const length = get_u32(data.data() + pos);
            auto const checksum = get_u32(data.data() + pos + 4);
            if (length > k_max_record_bytes || data.size() - pos - k_header_bytes < length)
                break;
            std::string_view const payload(data.data() + pos + k_header_bytes, length);
            if (crc32(payload) != checksum || !on_record(payload))
                break;
            ++taken;
            pos += k_header_bytes + length;
        }
        from.offset += pos;
        if (taken >= max_records)
            break;
        if (data.size() == k_read_chunk && pos > 0)
            continue; // more of this segment than one chunk
        if (from.segment >= current)
            break; // the live segment: the rest is still being written
        // A finished segment read to its end; anything left is a torn or corrupt tail.
        if (data.size() > pos && skipped_bytes != nullptr) {
            *skipped_bytes += data.size() - pos;
            logging::warn("click journal: skipped {bytes} unreadable bytes at the end of segment {segment}",
                          {{"bytes", data.size() - pos}, {"segment", from.segment}});
        }
        from = {from.segment + 1, 0};
    }
    return from;
}

journal_batch click_journal::read(journal_position from, std::size_t max_clicks) const
{
    journal_batch batch;
    read_into(from, max_clicks, batch);
    return batch;
}

void click_journal::read_into(journal_position from, std::size_t max_clicks, journal_batch& batch) const
{
    std::size_t n = 0;
    batch.skipped_bytes = 0;
    batch.next = walk(
        from, max_clicks,
        [&](std::string_view payload) {
            if (n == batch.clicks.size())
                batch.clicks.emplace_back();
            if (!decode_click_into(payload, batch.clicks[n]))
                return false;
            ++n;
            return true;
        },
        &batch.skipped_bytes, batch.bytes);
    batch.clicks.resize(n);
}

std::uint64_t click_journal::count(journal_position from) const
{
    // Checksummed like read(), so a torn tail ends the count where it ends a read; but not
    // decoded: counting a backlog of millions at start would otherwise build every click.
    std::uint64_t n = 0;
    std::string data;
    walk(
        from, std::numeric_limits<std::size_t>::max(),
        [&](std::string_view) {
            ++n;
            return true;
        },
        nullptr, data);
    return n;
}

void click_journal::remove_segments_before(std::uint64_t keep_from)
{
    auto const current = current_segment();
    for (auto const segment : segments()) {
        if (segment >= keep_from || segment >= current)
            break;
        std::error_code ec;
        auto const path = segment_path(segment);
        auto const size = std::filesystem::file_size(path, ec);
        if (!ec && std::filesystem::remove(path, ec) && !ec) {
            std::lock_guard lock(mutex_);
            disk_bytes_ -= std::min(disk_bytes_, size);
        }
    }
}

std::uint64_t click_journal::bytes_after(journal_position from) const
{
    std::uint64_t total = 0;
    for (auto const segment : segments()) {
        if (segment < from.segment)
            continue;
        std::error_code ec;
        auto const size = std::filesystem::file_size(segment_path(segment), ec);
        if (ec)
            continue;
        total += segment == from.segment ? (size > from.offset ? size - from.offset : 0) : size;
    }
    return total;
}

} // namespace linkledger::clicks
