#include "users/request_zone.hpp"

#include "db/time_zones.hpp"
#include "http/http_error.hpp"
#include "users/preferences_store.hpp"

#include <optional>

namespace linkledger::users {

std::string request_zone(pqxx::transaction_base& tx, http::request_context const& ctx,
                         std::string const& instance_zone)
{
    if (auto const tz = ctx.query("tz")) {
        if (!db::known_zone(tx, *tz))
            throw http::bad_field("tz", "tz must be an IANA time zone name such as Europe/Paris");
        return *tz;
    }
    std::optional<std::string> chosen;
    if (ctx.who && ctx.who->kind == http::principal::via::session)
        chosen = time_zone_of(tx, ctx.who->id);
    // A zone PostgreSQL no longer knows (a tzdata update renamed it) falls back quietly.
    return chosen && db::known_zone(tx, *chosen) ? *chosen : instance_zone;
}

} // namespace linkledger::users
