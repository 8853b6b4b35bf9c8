#include "db/copy_writer.hpp"

// tablewriter is the one pqxx 6 class that takes a preformatted COPY line; it is marked
// deprecated in favour of stream_to, whose per-field escaping is what we avoid.
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wdeprecated-declarations"
#include <pqxx/tablewriter>

namespace linkledger::db {

void append_copy_field(std::string& line, std::string_view value)
{
    std::size_t from = 0;
    for (std::size_t i = 0; i < value.size(); ++i) {
        char escaped = 0;
        switch (value[i]) {
        case '\\': escaped = '\\'; break;
        case '\t': escaped = 't'; break;
        case '\n': escaped = 'n'; break;
        case '\r': escaped = 'r'; break;
        default: continue;
        }
        line.append(value.substr(from, i - from));
        line += '\\';
        line += escaped;
        from = i + 1;
    }
    line.append(value.substr(from));
    line += '\t';
}

struct copy_writer::impl {
    pqxx::tablewriter writer;
};

copy_writer::copy_writer(pqxx::transaction_base& tx, std::string const& table,
                         std::vector<std::string> const& columns)
    : impl_(new impl{pqxx::tablewriter(tx, table, columns.begin(), columns.end())})
{
}

copy_writer::~copy_writer() = default;

namespace {
constexpr std::size_t k_chunk_bytes = 64u << 10;
}

void copy_writer::write_line(std::string_view line)
{
    if (pending_.capacity() < k_chunk_bytes)
        pending_.reserve(k_chunk_bytes + 1024);
    pending_.append(line);
    pending_ += '\n';
    if (pending_.size() >= k_chunk_bytes)
        send_pending();
}

// COPY data need not be sent row by row: several rows go as one "line". write_raw_line drops
// one newline at its end and adds its own, so the rows arrive exactly as written here, each
// with its newline (an empty row too).
void copy_writer::send_pending()
{
    if (pending_.empty())
        return;
    impl_->writer.write_raw_line(pending_);
    pending_.clear();
}

void copy_writer::complete()
{
    send_pending();
    impl_->writer.complete();
}

} // namespace linkledger::db

#pragma GCC diagnostic pop
