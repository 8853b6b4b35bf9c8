// Who may do what once authenticated: API keys and owners may change things, viewers only read,
// and a change made with a dashboard session must carry its CSRF token. Registered with the
// router (router::set_access_policy) by main.
#pragma once

#include "http/router.hpp"

namespace linkledger::auth {

// Returns when `who` may make `req`; throws a 403 http_error naming the reason when not.
void enforce_access(http::request const& req, http::principal const& who);

} // namespace linkledger::auth
