// Linked into the linkledger executable of the sanitizer build only (LINKLEDGER_SANITIZE).
//
// libpqxx 6.4 (Debian bookworm's) leaks one PGresult, with its blocks (about 2 KiB), each time a
// statement runs into a connection that has just broken: connection_base::make_result() reads
// the client encoding to wrap libpq's result, and on a broken connection that read throws
// broken_connection before the result is owned by anything. It happens once per connection in
// use when PostgreSQL goes away (the reconnect attempts that follow fail in PQconnectdb, which
// makes no result), so a PostgreSQL outage costs a few KiB, once. Leak reports whose stack
// goes through libpq are left out; a leak of our own objects (a lost pqxx::connection, say) is
// still reported, because its direct allocation is ours.
extern "C" char const* __lsan_default_suppressions()
{
    return "leak:libpq.so.5\n";
}
