#include "http/lent_answer_bytes.hpp"

#include <vector>

namespace linkledger::http {
namespace {

// As many answers as one thread has in flight at once under a heavy load, with room to spare;
// each is about the size of a redirect's answer.
constexpr std::size_t k_max_spares = 128;
constexpr std::size_t k_max_kept_capacity = 16 * 1024;

thread_local std::vector<std::string> t_spares;

} // namespace

std::string borrow_answer_bytes()
{
    if (t_spares.empty())
        return {};
    std::string bytes = std::move(t_spares.back());
    t_spares.pop_back();
    bytes.clear();
    return bytes;
}

void return_answer_bytes(std::string bytes)
{
    if (bytes.capacity() > k_max_kept_capacity || t_spares.size() >= k_max_spares)
        return;
    if (t_spares.capacity() == 0)
        t_spares.reserve(k_max_spares);
    t_spares.push_back(std::move(bytes));
}

} // namespace linkledger::http
