#include "auth/authenticate.hpp"

#include "auth/api_key.hpp"
#include "auth/session_store.hpp"

namespace linkledger::auth {

std::optional<http::principal> authenticate(pqxx::connection& conn, http::credentials const& presented)
{
    using via = http::principal::via;
    if (!presented.bearer_token.empty()) {
        auto const id = verify_api_key(conn, presented.bearer_token);
        if (!id)
            return std::nullopt;
        return http::principal{via::api_key, *id, true, {}, {}, {}};
    }
    auto const session = find_session(conn, presented.session_id);
    if (!session)
        return std::nullopt;
    return http::principal{via::session, session->user_id, session->role == "owner",
                           session->email, session->role, session->csrf_token};
}

} // namespace linkledger::auth
