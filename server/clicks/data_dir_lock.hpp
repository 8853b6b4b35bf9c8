// One process per data directory: the journal and the node id in it belong to one instance.
// Two instances sharing a directory (a copied systemd unit, `docker compose --scale app=2` on
// one volume) would write one journal under one node id and corrupt each other's checkpoint.
#pragma once

#include <filesystem>

namespace linkledger::clicks {

// Holds an exclusive flock(2) on DATA_DIR/lock for its lifetime; the kernel drops it when the
// process ends, however it ends, so a crash never leaves a stale lock behind.
class data_dir_lock {
public:
    // Throws std::runtime_error naming the directory (and the holder's pid) when another
    // process holds it.
    explicit data_dir_lock(std::filesystem::path const& dir);
    ~data_dir_lock();
    data_dir_lock(data_dir_lock const&) = delete;
    data_dir_lock& operator=(data_dir_lock const&) = delete;

private:
    int fd_ = -1;
};

} // namespace linkledger::clicks
