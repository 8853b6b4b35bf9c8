#include "clicks/journal_binding.hpp"

#include <pqxx/pqxx>

#include <cerrno>
#include <charconv>
#include <cstring>
#include <fstream>
#include <sstream>

#include <fcntl.h>
#include <unistd.h>

namespace linkledger::clicks {
namespace {

constexpr std::string_view k_magic = "linkledger journal binding 1";
constexpr char const* k_read_identity =
    "SELECT system_identifier::text, current_database() FROM pg_control_system()";
constexpr std::size_t k_max_binding_bytes = 4096;
// On a re-bind: where this node resumes in the new database (`shipped` counts what this node
// shipped there, so it is left as it is).
constexpr char const* k_set_checkpoint = R"sql(
INSERT INTO journal_checkpoints (node_id, segment, byte_offset, shipped, updated_at)
VALUES ($1, $2, $3, 0, now())
ON CONFLICT (node_id) DO UPDATE
SET segment = EXCLUDED.segment, byte_offset = EXCLUDED.byte_offset, updated_at = now()
)sql";

bool needs_escape(unsigned char c)
{
    return c <= 0x20 || c == 0x7f || c == '%';
}

std::string percent_encode(std::string_view text)
{
    static constexpr char k_hex[] = "0123456789ABCDEF";
    std::string out;
    for (char const ch : text) {
        auto const c = static_cast<unsigned char>(ch);
        if (needs_escape(c)) {
            out.push_back('%');
            out.push_back(k_hex[c >> 4]);
            out.push_back(k_hex[c & 0xf]);
        } else {
            out.push_back(ch);
        }
    }
    return out;
}

std::optional<std::string> percent_decode(std::string_view text)
{
    std::string out;
    for (std::size_t i = 0; i < text.size(); ++i) {
        if (text[i] != '%') {
            if (needs_escape(static_cast<unsigned char>(text[i])))
                return std::nullopt;
            out.push_back(text[i]);
            continue;
        }
        unsigned value = 0;
        if (i + 2 >= text.size())
            return std::nullopt;
        auto const [ptr, ec] = std::from_chars(text.data() + i + 1, text.data() + i + 3, value, 16);
        if (ec != std::errc{} || ptr != text.data() + i + 3)
            return std::nullopt;
        out.push_back(static_cast<char>(value));
        i += 2;
    }
    return out;
}

bool parse_u64(std::string_view text, std::uint64_t& value)
{
    if (text.empty() || text.size() > 20)
        return false;
    auto const [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
    return ec == std::errc{} && ptr == text.data() + text.size();
}

// The value of line `key value`, or nothing when the line is another key.
std::optional<std::string_view> value_of(std::string_view line, std::string_view key)
{
    if (line.size() <= key.size() || line.compare(0, key.size(), key) != 0 || line[key.size()] != ' ')
        return std::nullopt;
    return line.substr(key.size() + 1);
}

std::optional<journal_binding> fail(std::string* problem, char const* why)
{
    if (problem)
        *problem = why;
    return std::nullopt;
}

std::string position_text(journal_position p)
{
    return std::to_string(p.segment) + " " + std::to_string(p.offset);
}

} // namespace

std::string database_identity::text() const
{
    // Appended, not chained '+': g++ 12 at -O3 reports a false -Wrestrict on the chain.
    return std::string("\"").append(percent_encode(name)).append("\" (system identifier ")
        .append(system_identifier).append(")");
}

std::string encode_binding(journal_binding const& b)
{
    std::string out(k_magic);
    out.append("\nsystem_identifier ").append(b.database.system_identifier);
    out.append("\ndatabase ").append(percent_encode(b.database.name));
    out.append("\nshipped ").append(position_text(b.shipped));
    out.push_back('\n');
    return out;
}

std::optional<journal_binding> decode_binding(std::string_view text, std::string* problem)
{
    std::vector<std::string_view> lines;
    while (!text.empty()) {
        auto const end = text.find('\n');
        if (end == std::string_view::npos)
            return fail(problem, "the last line is not complete");
        lines.push_back(text.substr(0, end));
        text.remove_prefix(end + 1);
    }
    if (lines.size() != 4 || lines[0] != k_magic)
        return fail(problem, "it is not a journal binding of this version");
    journal_binding b;
    auto const system_identifier = value_of(lines[1], "system_identifier");
    std::uint64_t number = 0;
    if (!system_identifier || !parse_u64(*system_identifier, number))
        return fail(problem, "system_identifier is not a number");
    b.database.system_identifier = std::string(*system_identifier);
    auto const name = value_of(lines[2], "database");
    auto decoded = name ? percent_decode(*name) : std::nullopt;
    if (!decoded || decoded->empty())
        return fail(problem, "database is not a database name");
    b.database.name = std::move(*decoded);
    auto const shipped = value_of(lines[3], "shipped");
    auto const space = shipped ? shipped->find(' ') : std::string_view::npos;
    if (space == std::string_view::npos || !parse_u64(shipped->substr(0, space), b.shipped.segment) ||
        !parse_u64(shipped->substr(space + 1), b.shipped.offset))
        return fail(problem, "shipped is not a segment and an offset");
    return b;
}

std::filesystem::path binding_path(std::filesystem::path const& journal_dir)
{
    return journal_dir / "binding";
}

std::optional<journal_binding> load_binding(std::filesystem::path const& journal_dir)
{
    auto const path = binding_path(journal_dir);
    std::ifstream in(path, std::ios::binary);
    if (!in) {
        std::error_code ec;
        if (!std::filesystem::exists(path, ec) && !ec)
            return std::nullopt;
        throw journal_binding_error("cannot read the journal binding " + path.string() + ": " +
                                 std::strerror(errno));
    }
    std::string text(k_max_binding_bytes + 1, '\0');
    in.read(text.data(), static_cast<std::streamsize>(text.size()));
    text.resize(static_cast<std::size_t>(in.gcount()));
    std::string problem = "it is larger than a binding can be";
    auto binding = text.size() <= k_max_binding_bytes ? decode_binding(text, &problem) : std::nullopt;
    if (!binding)
        throw journal_binding_error("the journal binding " + path.string() + " cannot be understood (" +
                                 problem + "); remove it to let the database this instance connects to "
                                 "adopt the journal, unshipped clicks included");
    return binding;
}

void save_binding(std::filesystem::path const& journal_dir, journal_binding const& b)
{
    auto const path = binding_path(journal_dir);
    auto const temporary = path.string() + ".tmp";
    auto const text = encode_binding(b);
    int const fd = ::open(temporary.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    bool ok = fd >= 0;
    for (std::size_t done = 0; ok && done < text.size();) {
        auto const n = ::write(fd, text.data() + done, text.size() - done);
        if (n < 0 && errno == EINTR)
            continue;
        ok = n > 0;
        if (ok)
            done += static_cast<std::size_t>(n);
    }
    // Synced before the rename: after a power cut the file is the old binding or the new one.
    ok = ok && ::fdatasync(fd) == 0;
    int const error = errno;
    if (fd >= 0)
        ::close(fd);
    ok = ok && ::rename(temporary.c_str(), path.c_str()) == 0;
    if (!ok)
        throw journal_binding_error("cannot write the journal binding " + path.string() + ": " +
                                 std::strerror(error != 0 ? error : errno));
}

database_identity read_database_identity(pqxx::connection& conn)
{
    pqxx::read_transaction tx(conn);
    auto const row = tx.exec1(k_read_identity);
    return {row[0].as<std::string>(), row[1].as<std::string>()};
}

journal_bind_result check_binding(click_journal const& journal, database_identity const& current)
{
    using outcome = journal_bind_result::outcome;
    journal_bind_result result;
    result.current = current;
    auto const& dir = journal.directory();
    result.previous = load_binding(dir);
    if (!result.previous) {
        result.what = outcome::adopted;
        return result;
    }
    if (result.previous->database == current) {
        result.what = outcome::same;
        return result;
    }
    result.unshipped = journal.count(result.previous->shipped);
    if (result.unshipped == 0) {
        result.what = outcome::rebound;
        return result;
    }
    auto const data_dir = dir.parent_path().string();
    auto const& owner = result.previous->database;
    result.what = outcome::refused;
    result.message =
        "the click journal in " + dir.string() + " holds " + std::to_string(result.unshipped) +
        " clicks not yet shipped to database " + owner.text() +
        ", which it belongs to, but LINKLEDGER_DATABASE_URL points at database " + current.text() +
        ". To ship them, point LINKLEDGER_DATABASE_URL back at " + owner.text() +
        " and start again (once they are shipped, the data directory may move to another "
        "database). To discard them, move the data directory away (mv " + data_dir + " " + data_dir +
        ".old) and start with an empty one.";
    return result;
}

journal_bind_result bind_journal(click_journal const& journal, pqxx::connection& conn,
                                 std::string const& node_id)
{
    using outcome = journal_bind_result::outcome;
    auto result = check_binding(journal, read_database_identity(conn));
    switch (result.what) {
    case outcome::refused:
    case outcome::same:
        break;
    case outcome::adopted:
        // Nothing counts as shipped until the shipper has read this node's checkpoint and
        // rewritten the binding (cautious, see the header).
        save_binding(journal.directory(), {result.current, {}});
        break;
    case outcome::rebound: {
        // The checkpoint first: a crash before the binding is written leaves the old binding,
        // with nothing unshipped, and the next start re-binds again.
        auto const shipped = result.previous->shipped;
        pqxx::work tx(conn);
        tx.exec_params(k_set_checkpoint, node_id, shipped.segment, shipped.offset);
        tx.commit();
        save_binding(journal.directory(), {result.current, shipped});
        break;
    }
    }
    return result;
}

} // namespace linkledger::clicks
