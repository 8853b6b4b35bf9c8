#include "instance.hpp"

#include <gtest/gtest.h>

#include <stdexcept>

namespace linkledger::testing {

std::string last_line(std::string const& text)
{
    auto end = text.find_last_not_of("\r\n");
    if (end == std::string::npos)
        return "";
    auto const start = text.rfind('\n', end);
    return text.substr(start == std::string::npos ? 0 : start + 1,
                       end - (start == std::string::npos ? 0 : start + 1) + 1);
}

std::string make_api_key(scratch_database const& db)
{
    auto const created = run_linkledger({"api-key", "create", "--name", "tests"}, {{"LINKLEDGER_DATABASE_URL", db.url()}});
    if (created.exit_code != 0)
        throw std::runtime_error("api-key create failed: " + created.err);
    return last_line(created.out);
}

instance::instance(std::string const& label, environment extra_env)
    : db_(std::make_unique<scratch_database>(label)), key_(make_api_key(*db_))
{
    server_ = std::make_unique<server_process>(db_->url(), std::move(extra_env));
}

boost::json::object instance::create_link(std::string const& body) const
{
    auto const reply = api("POST", "/api/v1/links", body);
    EXPECT_EQ(reply.status, 201) << reply.body;
    if (reply.status != 201)
        throw std::runtime_error("link not created: " + reply.body);
    return reply.json().as_object();
}

} // namespace linkledger::testing
