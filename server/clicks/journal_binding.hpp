// Which database a data directory's click journal belongs to, and how far it has been shipped
// there. Without it, an instance pointed at another database (a new LINKLEDGER_DATABASE_URL, a
// re-initialised cluster, a restore on a new machine) would ship the clicks that the first one
// never received into the second one.
//
// The binding is the file DATA_DIR/journal/binding, written whole to a temporary file and renamed
// over the old one, so it is either the old or the new text, never half of each:
//
//     linkledger journal binding 1
//     system_identifier 7714456096938647411
//     database linkledger
//     shipped 12 3456
//
// The database is named by PostgreSQL's system identifier (pg_control_system(): made by initdb,
// the same across restarts and pg_restore, new for a new cluster) and current_database(). The
// name is percent-encoded where it holds '%', a space or a control character. "shipped" is the
// journal position (segment, byte offset) up to which that database is known to hold every click;
// the shipper rewrites it after it ships (at most once a second while it is busy, and when it
// catches up or stops), so it may lag behind PostgreSQL's own checkpoint, never run ahead of it.
// A lag only makes the start check below more cautious: it may count clicks as unshipped that
// are already in the database, never the reverse.
//
// At start (see bind_journal):
//   - no binding (a data directory from before bindings): the database adopts the journal;
//   - the same database: nothing changes, PostgreSQL's checkpoint says where to resume (a restored
//     dump then gets back the clicks the journal still holds past the restored checkpoint);
//   - another database, and the journal holds no click past "shipped": re-bound to the new one,
//     whose checkpoint for this node is set to "shipped" first (one it holds already is an older
//     one of this node);
//   - another database, and clicks are unshipped: refused, exit code 2, with what to do.
#pragma once

#include "clicks/click_journal.hpp"

#include <pqxx/connection>

#include <filesystem>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>

namespace linkledger::clicks {

struct database_identity {
    std::string system_identifier; // the cluster (initdb)
    std::string name;              // the database in it
    bool operator==(database_identity const&) const = default;
    // `"name" (system identifier N)`, for messages.
    std::string text() const;
};

struct journal_binding {
    database_identity database;
    journal_position shipped; // every click before it is in `database`
    bool operator==(journal_binding const&) const = default;
};

std::string encode_binding(journal_binding const& b);
// Nothing when `text` is not a whole binding of this version; `problem` then says what is wrong.
std::optional<journal_binding> decode_binding(std::string_view text, std::string* problem = nullptr);

// The binding file of a journal directory.
std::filesystem::path binding_path(std::filesystem::path const& journal_dir);
// The binding file cannot be read, understood or written: the operator has to look.
class journal_binding_error : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

// Nothing when there is no binding file; throws journal_binding_error when there is one that
// cannot be read or understood.
std::optional<journal_binding> load_binding(std::filesystem::path const& journal_dir);
// Writes the binding (temporary file, fsync, rename); throws journal_binding_error on failure.
void save_binding(std::filesystem::path const& journal_dir, journal_binding const& b);

// The identity of the database `conn` is connected to.
database_identity read_database_identity(pqxx::connection& conn);

// What the start check decided.
struct journal_bind_result {
    enum class outcome { adopted, same, rebound, refused };
    outcome what = outcome::adopted;
    database_identity current;               // the database connected to
    std::optional<journal_binding> previous; // as found on disk
    std::uint64_t unshipped = 0;             // refused: clicks past previous->shipped
    // Refused: the operator's message (which database, how many clicks, what to do).
    std::string message;
};

// Compares the journal's binding with `current`; reads, never writes. Throws
// journal_binding_error when the binding file is unreadable.
journal_bind_result check_binding(click_journal const& journal, database_identity const& current);

// The start check against the database `conn` reaches, for node `node_id`: check_binding, then,
// unless refused, the binding is written for that database. On a re-bind this node's checkpoint
// there is first set to where the journal was shipped to the old one (a checkpoint already there
// is an older one of this node: resuming from it would ship the old database's clicks). Throws
// journal_binding_error when the binding cannot be read or written, pqxx errors for the database.
journal_bind_result bind_journal(click_journal const& journal, pqxx::connection& conn,
                                 std::string const& node_id);

// Thrown by the shipper when the database it reached is not the one its journal belongs to.
class journal_binding_mismatch : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

} // namespace linkledger::clicks
