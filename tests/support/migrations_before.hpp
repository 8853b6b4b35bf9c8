// Databases as an earlier release left them, for the tests of what a migration does to the data
// already there: the embedded migrations older than a version, and one offer with its sales
// written by hand in the tables of that time.
#pragma once

#include "db/embedded_migrations.hpp"
#include "db/migrator.hpp"
#include "test_database.hpp"

#include <pqxx/pqxx>

#include <string>
#include <vector>

namespace linkledger::testing {

// The embedded migrations older than `version`: a database as an earlier release left it.
inline std::vector<db::migration_source> migrations_before(int version)
{
    std::vector<db::migration_source> before;
    for (auto const& m : db::embedded_migrations())
        if (db::migration_version(m.name) < version)
            before.push_back(m);
    return before;
}

// The offer of an earlier release's sales: 'Shop' in `currency`, 10 % or, `reported`, the
// network's commission.
struct old_offer {
    std::string currency = "EUR";
    bool reported = false;
};

// Sales of that offer (`offers o`, unattributed): `values` are their txid, status, amount_minor,
// commission_minor, currency, via and occurred_at, then `more_columns`' values; `rows` follows
// FROM offers o (", (VALUES ...) v(txid)" for several sales, an ORDER BY for their ids' order).
struct old_sales {
    std::string values;
    std::string rows = "";
    std::string more_columns = "";
};

// Migrates `conn` up to `version` (not included) and writes the offer and its sales.
inline void offer_and_sales_before(pqxx::connection& conn, scratch_database const& database, int version,
                                   old_sales const& sales, old_offer const& offer = {})
{
    db::migrate(conn, migrations_before(version));
    database.execute("INSERT INTO offers (name, currency, commission_type, rate_bps, postback_token_sha256, webhook_secret) "
                     "VALUES ('Shop', '" + offer.currency + "', " + (offer.reported ? "'reported', NULL" : "'percent', 1000") +
                     ", decode(repeat('00', 32), 'hex'), 's')");
    database.execute("INSERT INTO conversions (offer_id, source, attribution, txid, status, amount_minor, commission_minor, "
                     "currency, via, occurred_at" + sales.more_columns + ") "
                     "SELECT o.id, 'unattributed', 'none', " + sales.values + " FROM offers o" + sales.rows);
}

} // namespace linkledger::testing
