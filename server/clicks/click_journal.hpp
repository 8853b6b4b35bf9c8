// The durable click journal: every redirect appends its click here before the 302 is sent,
// so a crash of the process loses nothing a follower saw redirected. Append-only segment
// files under DATA_DIR/journal; the shipper reads them from its checkpoint and deletes the
// segments it has shipped.
//
// The journal may have a disk budget: past it, clicks are dropped (counted and logged, the
// follower is still redirected) until shipping deletes segments and frees room again. A
// bounded loss while PostgreSQL is away for days beats a full disk, which would take the
// database (often on the same machine) and everything else down with it.
//
// Record framing: u32 length, u32 CRC-32 of the payload, payload (encode_click). A torn or
// corrupt record ends what is read of a segment.
//
// A click in the journal survives a crash of the process at once (the kernel has it); a power
// cut or a kernel crash is another matter, settled by the sync policy: how often what was
// written is forced to the disk (fdatasync).
#pragma once

#include "clicks/click_store.hpp"
#include "clicks/crc32.hpp"

#include <atomic>
#include <chrono>
#include <compare>
#include <condition_variable>
#include <cstdint>
#include <filesystem>
#include <mutex>
#include <thread>
#include <vector>

namespace linkledger::clicks {

struct journal_position {
    std::uint64_t segment = 0;
    std::uint64_t offset = 0;
    auto operator<=>(journal_position const&) const = default;
};

struct journal_batch {
    std::vector<click> clicks;
    journal_position next;          // where the next read starts
    std::uint64_t skipped_bytes = 0; // torn or corrupt tails passed over
    std::string bytes;              // the last chunk read, kept for the next read_into
};

enum class journal_sync {
    none,     // the kernel writes back when it will (about 30 s on Linux): a power cut may lose that
    interval, // a background sync every interval: a power cut loses at most that window
    always,   // synced before the replies leave (one sync serves every click of a group commit)
};

struct journal_sync_policy {
    journal_sync mode = journal_sync::none;
    std::chrono::milliseconds interval{100};
};

class click_journal {
public:
    // Opens (creating) `dir` and starts a new segment after any already there. `max_bytes`
    // bounds the segments on disk (0: no bound); segments are made small enough that
    // shipping can always free part of the budget.
    // Throws std::runtime_error when the directory cannot be used at all.
    click_journal(std::filesystem::path dir, std::uint64_t segment_bytes = 16u << 20,
                  std::uint64_t max_bytes = 0, journal_sync_policy sync = {});
    ~click_journal();
    click_journal(click_journal const&) = delete;
    click_journal& operator=(click_journal const&) = delete;

    // Appends one click. False when it could not be written (full disk, removed directory)
    // or the disk budget is spent: the failure or the drop is counted and logged, the caller
    // still answers the follower.
    bool append(click const& c);

    // Group commit: stage() keeps the click in this thread's buffer; flush_staged() writes
    // everything the thread staged with one write(2). The server stages during a request and
    // flushes just before sending any reply, after letting the other ready requests of the
    // same event-loop turn stage theirs — so one system call carries many clicks, and still no
    // reply leaves before its click is in the kernel.
    void stage(click const& c);
    bool has_staged() const;
    bool flush_staged();

    // Reads up to `max_clicks` complete records from `from`, moving past finished segments.
    journal_batch read(journal_position from, std::size_t max_clicks) const;
    // The same into `batch`, reusing its clicks and buffer: what a previous read allocated
    // serves the next one.
    void read_into(journal_position from, std::size_t max_clicks, journal_batch& batch) const;
    // How many complete records there are from `from` to the end, without decoding them: what
    // reads from there would return (a record that fails its checksum ends a segment's count,
    // as it ends a read; one that passes it but does not decode, which only another format of
    // the journal could hold, is counted where a read would stop).
    std::uint64_t count(journal_position from) const;

    // Deletes the finished segments before `keep_from` (never the one being written).
    void remove_segments_before(std::uint64_t keep_from);

    // The segments on disk, oldest first.
    std::vector<std::uint64_t> segments() const;
    std::uint64_t current_segment() const;
    // Bytes on disk from `from` to the end of the journal.
    std::uint64_t bytes_after(journal_position from) const;

    std::uint64_t appended() const { return appended_; }
    std::uint64_t write_failures() const { return write_failures_; }
    // Clicks not written because the segments on disk had reached `max_bytes`.
    std::uint64_t dropped_over_budget() const { return dropped_over_budget_; }
    std::uint64_t max_bytes() const { return max_bytes_; }
    // fdatasync calls made for the sync policy (not those closing a finished segment).
    std::uint64_t syncs() const { return syncs_; }
    // Bytes of all segments on disk, as the budget counts them.
    std::uint64_t disk_bytes() const;
    std::filesystem::path const& directory() const { return dir_; }

private:
    std::filesystem::path segment_path(std::uint64_t segment) const;
    // Passes each complete, checksummed record's payload from `from` to `on_record` (at most
    // `max_records`, and until it returns false) and returns where the next one starts; a
    // finished segment's unreadable tail is added to `skipped_bytes` and logged, when given.
    // `data` holds each chunk read.
    template <class OnRecord>
    journal_position walk(journal_position from, std::size_t max_records, OnRecord&& on_record,
                          std::uint64_t* skipped_bytes, std::string& data) const;
    bool open_segment(std::uint64_t segment); // with mutex_ held
    void drop_over_budget(std::uint64_t count); // with mutex_ held
    void sync_every_interval();
    void sync_directory() const;

    std::filesystem::path dir_;
    std::uint64_t segment_bytes_;
    std::uint64_t max_bytes_;
    mutable std::mutex mutex_;
    int fd_ = -1;
    std::uint64_t segment_ = 0;
    std::uint64_t segment_size_ = 0;
    std::uint64_t disk_bytes_ = 0; // every segment on disk; with mutex_ held
    bool over_budget_ = false;     // with mutex_ held
    std::atomic<std::uint64_t> appended_{0};
    std::atomic<std::uint64_t> write_failures_{0};
    std::atomic<std::uint64_t> dropped_over_budget_{0};
    journal_sync_policy sync_;
    std::atomic<bool> unsynced_{false}; // written since the last sync
    std::atomic<std::uint64_t> syncs_{0};
    std::mutex sync_mutex_;
    std::condition_variable sync_wake_;
    bool sync_stop_ = false; // with sync_mutex_ held
    std::thread syncer_;     // interval policy only; last member: started when the rest is ready
    std::chrono::steady_clock::time_point last_failure_log_{};
    std::chrono::steady_clock::time_point last_budget_log_{}; // with mutex_ held
};

} // namespace linkledger::clicks
