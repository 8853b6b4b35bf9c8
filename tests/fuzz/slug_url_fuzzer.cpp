// Slugs and link targets as a creator (or an attacker with an API key) sends them: the
// validators must never crash, must agree with each other, and a target they accept must,
// once a click id is put in, still be an http(s) URL with a host and no header-breaking bytes.
#include "fuzz_check.hpp"
#include "links/slug.hpp"
#include "links/smart_link.hpp"
#include "links/target_url.hpp"

#include <boost/url/parse.hpp>

#include <algorithm>
#include <cstdint>
#include <string>

using namespace linkledger;
using fuzz::expect;

extern "C" int LLVMFuzzerTestOneInput(std::uint8_t const* data, std::size_t size)
{
    std::string_view const text(reinterpret_cast<char const*>(data), size);

    bool const well_formed = links::is_well_formed_slug(text);
    auto const slug_problem = links::slug_problem(text);
    expect(well_formed || slug_problem.has_value(), "a malformed slug has a problem");
    if (!slug_problem) {
        expect(!text.empty() && text.size() <= links::k_max_slug_length, "an accepted slug is 1..64 bytes");
        expect(!links::is_reserved_slug(text), "an accepted slug is not reserved");
        expect(std::all_of(text.begin(), text.end(),
                           [](char c) {
                               return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
                                      (c >= '0' && c <= '9') || c == '_' || c == '-';
                           }),
               "an accepted slug is [A-Za-z0-9_-]");
    }

    // What the redirect puts in, as the redirect does it (every placeholder, percent-encoded):
    // a ULID for the click id, and a slug, source, video and country.
    constexpr std::string_view click_id = "01JDZQ5C9M7R3K8T2V6W4X0Y1Z";
    auto const expanded = links::render_target(links::compile_target(text),
                                               {click_id, "winter-haul", "tiktok", "42", "FR"});
    if (!links::target_url_problem(text)) {
        expect(text.size() <= links::k_max_target_length, "an accepted target is at most 2048 bytes");
        expect(expanded.find_first_of(std::string_view("\r\n\0", 3)) == std::string::npos,
               "a Location header never carries CR, LF or NUL");
        expect(expanded.find(links::k_click_id_placeholder) == std::string::npos,
               "every {click_id} is replaced");
        auto const parsed = boost::urls::parse_uri(expanded);
        expect(parsed.has_value(), "an accepted target is still a URL with the click id in it");
        expect(parsed->scheme_id() == boost::urls::scheme::http || parsed->scheme_id() == boost::urls::scheme::https,
               "an accepted target is http or https");
        expect(!parsed->encoded_host().empty(), "an accepted target names a host");
        expect(!parsed->has_userinfo(), "an accepted target carries no user name or password");
    }
    return 0;
}
