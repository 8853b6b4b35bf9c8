#include "auth/access_policy.hpp"

#include "crypto/digest.hpp"

namespace linkledger::auth {

void enforce_access(http::request const& req, http::principal const& who)
{
    using http::status;
    auto const method = req.method();
    if (method == http::verb::get || method == http::verb::head)
        return;
    if (!who.can_change)
        throw http::http_error(status::forbidden, "read_only",
                               "this account can see everything but change nothing (viewer role)");
    // A cookie rides along with any request the browser sends, a forged one included: a change
    // made with a session must also prove it came from our own page.
    if (who.kind == http::principal::via::session &&
        !crypto::constant_time_equal(req["X-CSRF-Token"], who.csrf_token))
        throw http::http_error(status::forbidden, "csrf_failed",
                               "the X-CSRF-Token header is missing or wrong; reload the page", "X-CSRF-Token");
}

} // namespace linkledger::auth
