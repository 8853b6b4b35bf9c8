#include "clicks/data_dir_lock.hpp"

#include <cerrno>
#include <cstring>
#include <stdexcept>
#include <string>

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

namespace linkledger::clicks {

data_dir_lock::data_dir_lock(std::filesystem::path const& dir)
{
    std::filesystem::create_directories(dir);
    auto const path = dir / "lock";
    fd_ = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0640);
    if (fd_ < 0)
        throw std::runtime_error("cannot open " + path.string() + ": " + std::strerror(errno));
    if (::flock(fd_, LOCK_EX | LOCK_NB) != 0) {
        int const error = errno;
        char holder[32] = {};
        auto const n = ::pread(fd_, holder, sizeof holder - 1, 0);
        ::close(fd_);
        fd_ = -1;
        if (error != EWOULDBLOCK)
            throw std::runtime_error("cannot lock " + path.string() + ": " + std::strerror(error));
        std::string pid = n > 0 ? std::string(holder, static_cast<std::size_t>(n)) : "unknown";
        while (!pid.empty() && (pid.back() == '\n' || pid.back() == ' '))
            pid.pop_back();
        throw std::runtime_error("LINKLEDGER_DATA_DIR " + dir.string() +
                                 " is in use by another linkledger (pid " + pid +
                                 "): each instance needs its own data directory");
    }
    // The holder's pid, for the message above; informative only, the flock is the lock.
    auto const text = std::to_string(::getpid()) + "\n";
    if (::ftruncate(fd_, 0) == 0)
        (void)!::pwrite(fd_, text.data(), text.size(), 0);
}

data_dir_lock::~data_dir_lock()
{
    if (fd_ >= 0)
        ::close(fd_);
}

} // namespace linkledger::clicks
