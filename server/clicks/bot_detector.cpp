#include "clicks/bot_detector.hpp"

#include <boost/json/parse.hpp>
#include <re2/re2.h>
#include <re2/set.h>

#include <algorithm>
#include <stdexcept>

namespace linkledger::clicks {

bot_detector::bot_detector(std::string_view patterns_json)
{
    RE2::Options options;
    options.set_log_errors(false);
    options.set_max_mem(64 << 20);
    set_ = std::make_unique<RE2::Set>(options, RE2::UNANCHORED);
    auto const document = boost::json::parse(patterns_json);
    for (auto const& entry : document.at("patterns").as_array()) {
        auto const& pattern = entry.at("pattern").as_string();
        std::string error;
        if (set_->Add({pattern.data(), pattern.size()}, &error) < 0) {
            ++skipped_;
            continue;
        }
        reasons_.emplace_back(entry.at("reason").as_string());
    }
    if (!set_->Compile())
        throw std::runtime_error("bot patterns: RE2 could not compile the pattern set");
}

bot_detector::~bot_detector() = default;

std::optional<std::string> bot_detector::match(std::string_view user_agent) const
{
    std::vector<int> hits;
    if (!set_->Match({user_agent.data(), user_agent.size()}, &hits) || hits.empty())
        return std::nullopt;
    // The first pattern in the file wins, so the specific reasons listed first are reported.
    return reasons_[static_cast<std::size_t>(*std::min_element(hits.begin(), hits.end()))];
}

} // namespace linkledger::clicks
