#include "redirect_load.hpp"

#include "http_client.hpp"

namespace linkledger::testing {

std::string click_id_of(std::string const& location)
{
    auto const eq = location.rfind('=');
    return eq == std::string::npos ? "" : location.substr(eq + 1);
}

redirect_load::redirect_load(unsigned short port, std::string path, int connections)
    : path_(std::move(path))
{
    for (int i = 0; i < connections; ++i)
        threads_.emplace_back([this, port] { follow(port); });
}

redirect_load::~redirect_load()
{
    stop();
}

std::set<std::string> redirect_load::stop()
{
    stopping_ = true;
    for (auto& t : threads_)
        if (t.joinable())
            t.join();
    std::lock_guard lock(mutex_);
    return click_ids_;
}

void redirect_load::follow(unsigned short port)
{
    http_request const request{"GET", path_, "", {{"User-Agent",
        "Mozilla/5.0 (iPhone; CPU iPhone OS 17_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148 musical_ly_32.5.0 BytedanceWebview/d8a21c6"}}};
    while (!stopping_) {
        try {
            http_connection conn(port);
            while (!stopping_) {
                auto const reply = conn.send(request);
                if (reply.status != 302) {
                    ++failures_;
                    continue;
                }
                ++redirects_;
                std::lock_guard lock(mutex_);
                click_ids_.insert(click_id_of(reply.header("Location")));
            }
        } catch (std::exception const&) {
            // The server went away (killed, restarting): only answered 302s count.
            std::this_thread::sleep_for(std::chrono::milliseconds(20));
        }
    }
}

} // namespace linkledger::testing
