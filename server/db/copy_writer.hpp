// COPY ... FROM STDIN with rows the caller has already formatted (text format, tab-separated,
// escaped). pqxx's stream_to formats each field through its own escaper, which cost more CPU
// than the rest of shipping clicks together.
#pragma once

#include <pqxx/transaction_base>

#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace linkledger::db {

// Appends `value` as one COPY text field (backslash, tab, newline, CR escaped) and a tab.
void append_copy_field(std::string& line, std::string_view value);

class copy_writer {
public:
    copy_writer(pqxx::transaction_base& tx, std::string const& table,
                std::vector<std::string> const& columns);
    ~copy_writer();
    copy_writer(copy_writer const&) = delete;
    copy_writer& operator=(copy_writer const&) = delete;

    // One row, without its trailing newline. Rows are sent to the server in chunks of about
    // 64 KiB: per row, pqxx would copy the line once more and libpq take one more call.
    void write_line(std::string_view line);
    void complete();

private:
    void send_pending();

    struct impl;
    std::unique_ptr<impl> impl_;
    std::string pending_; // rows not sent yet, each with its newline
};

} // namespace linkledger::db
