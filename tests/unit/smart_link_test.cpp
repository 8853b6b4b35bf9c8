// Smart redirects without a server: rules as the API checks them (exact field paths), first
// match, placeholders, the visitor's query merge, instants, the escape page's ways out, the
// storefront preset, and the click record with its rule (old journals still read).
#include "clicks/click_store.hpp"
#include "http/http_error.hpp"
#include "links/escape_page.hpp"
#include "links/smart_link.hpp"
#include "links/storefronts.hpp"

#include <boost/json/parse.hpp>
#include <gtest/gtest.h>

namespace linkledger::links {
namespace {

std::string field_of_error(std::string const& rules_json)
{
    try {
        parse_rules(boost::json::parse(rules_json));
    } catch (http::http_error const& e) {
        return e.field;
    }
    return "(accepted)";
}

TEST(smart_rules, bad_input_names_the_exact_place)
{
    EXPECT_EQ(field_of_error(R"({"a":1})"), "rules");
    EXPECT_EQ(field_of_error(R"([{"if":{"country":["FR"]},"target_url":"https://a.example/"},
                                 {"if":{},"target_url":"https://b.example/"},
                                 {"if":{},"target_url":"https://c.example/"},
                                 {"if":{"country":["DE","Germany"]},"target_url":"https://d.example/"}])"),
              "rules[3].if.country[1]");
    EXPECT_EQ(field_of_error(R"([{"if":{"colour":["red"]},"target_url":"https://a.example/"}])"), "rules[0].if.colour");
    EXPECT_EQ(field_of_error(R"([{"if":{"device":"phone"},"target_url":"https://a.example/"}])"), "rules[0].if.device");
    EXPECT_EQ(field_of_error(R"([{"if":{"os":["ios","beos"]},"target_url":"https://a.example/"}])"), "rules[0].if.os[1]");
    EXPECT_EQ(field_of_error(R"([{"if":{"in_app":[]},"target_url":"https://a.example/"}])"), "rules[0].if.in_app");
    EXPECT_EQ(field_of_error(R"([{"if":{"language":["french"]},"target_url":"https://a.example/"}])"), "rules[0].if.language[0]");
    EXPECT_EQ(field_of_error(R"([{"if":{"query":["=x"]},"target_url":"https://a.example/"}])"), "rules[0].if.query[0]");
    EXPECT_EQ(field_of_error(R"([{"if":{"after":"tomorrow"},"target_url":"https://a.example/"}])"), "rules[0].if.after");
    EXPECT_EQ(field_of_error(R"([{"if":{"after":"2026-02-01","before":"2026-01-01"},"target_url":"https://a.example/"}])"),
              "rules[0].if.before");
    EXPECT_EQ(field_of_error(R"([{"if":{},"target_url":"ftp://a.example/"}])"), "rules[0].target_url");
    EXPECT_EQ(field_of_error(R"([{"if":{}}])"), "rules[0].target_url");
    EXPECT_EQ(field_of_error(R"([{"target_url":"https://a.example/"}])"), "rules[0].if");
    EXPECT_EQ(field_of_error(R"([{"if":{},"target_url":"https://a.example/","then":1}])"), "rules[0].then");
    EXPECT_EQ(field_of_error(R"([7])"), "rules[0]");
    std::string many = "[";
    for (int i = 0; i < 21; ++i)
        many += std::string(i ? "," : "") + R"({"if":{},"target_url":"https://a.example/"})";
    EXPECT_EQ(field_of_error(many + "]"), "rules");
}

TEST(smart_rules, normalizes_what_it_stores)
{
    auto const checked = parse_rules(boost::json::parse(
        R"([{"if":{"country":"fr","language":["FR"],"after":"2026-11-25T19:00:00+01:00"},"target_url":"https://a.example/{country}"}])"));
    auto const& when = checked.normalized.at(0).at("if").as_object();
    EXPECT_EQ(when.at("country").as_array().at(0).as_string(), "FR");
    EXPECT_EQ(when.at("language").as_array().at(0).as_string(), "fr");
    EXPECT_EQ(when.at("after").as_string(), "2026-11-25T18:00:00Z");
}

visit a_visit(std::string_view device, std::string_view os, std::string_view app, std::string_view country)
{
    visit v;
    v.device = device_bit(device);
    v.os = os_bit(os);
    v.in_app = in_app_bit(app);
    v.country = country;
    v.now = *parse_instant("2026-06-01T12:00:00Z");
    return v;
}

TEST(smart_rules, the_first_rule_whose_conditions_all_hold_wins)
{
    auto const rules = parse_rules(boost::json::parse(R"([
        {"if":{"device":["desktop"]},"target_url":"https://a.example/desktop"},
        {"if":{"os":["ios"],"in_app":["tiktok"]},"target_url":"https://a.example/ios-tiktok"},
        {"if":{"in_app":["any"]},"target_url":"https://a.example/any-app"},
        {"if":{"in_app":["none"],"country":["FR","BE"]},"target_url":"https://a.example/fr"},
        {"if":{"language":["de"]},"target_url":"https://a.example/de"},
        {"if":{"query":["promo=summer","ref"]},"target_url":"https://a.example/q"},
        {"if":{"after":"2026-05-01","before":"2026-07-01"},"target_url":"https://a.example/june"}
    ])")).rules;
    EXPECT_EQ(first_matching_rule(rules, a_visit("desktop", "windows", "none", "FR")), 0);
    EXPECT_EQ(first_matching_rule(rules, a_visit("mobile", "ios", "tiktok", "FR")), 1);
    EXPECT_EQ(first_matching_rule(rules, a_visit("mobile", "android", "tiktok", "FR")), 2);
    EXPECT_EQ(first_matching_rule(rules, a_visit("mobile", "android", "instagram", "US")), 2);
    EXPECT_EQ(first_matching_rule(rules, a_visit("mobile", "android", "none", "BE")), 3);
    auto german = a_visit("mobile", "android", "none", "DE");
    german.accept_language = "de-AT,de;q=0.9,en;q=0.5";
    EXPECT_EQ(first_matching_rule(rules, german), 4);
    auto with_query = a_visit("mobile", "android", "none", "US");
    with_query.raw_query = "x=1&promo=summer";
    EXPECT_EQ(first_matching_rule(rules, with_query), 5);
    with_query.raw_query = "promo=winter&ref";
    EXPECT_EQ(first_matching_rule(rules, with_query), 5);
    with_query.raw_query = "promo=winter";
    EXPECT_EQ(first_matching_rule(rules, with_query), 6);
    with_query.now = *parse_instant("2026-07-01T00:00:00Z");
    EXPECT_EQ(first_matching_rule(rules, with_query), -1);
}

TEST(smart_rules, first_listed_language_wins)
{
    EXPECT_EQ(first_language("fr-CA,fr;q=0.9,en;q=0.8"), "fr");
    EXPECT_EQ(first_language("en;q=0.1, fr"), "en");
    EXPECT_EQ(first_language(" DE"), "de");
    EXPECT_EQ(first_language("*"), "");
    EXPECT_EQ(first_language(""), "");
}

TEST(smart_targets, placeholders_are_substituted_url_encoded)
{
    auto const t = compile_target("https://s.example/{slug}?c={click_id}&src={source}&v={video_id}&cc=%7Bcountry%7D#top");
    EXPECT_EQ(render_target(t, {"01ABC", "lea-bio", "a b&c", "", "FR"}),
              "https://s.example/lea-bio?c=01ABC&src=a%20b%26c&v=&cc=FR#top");
    EXPECT_EQ(render_target(compile_target("https://s.example/{nope}"), {"x", "y", "z", "", "FR"}),
              "https://s.example/{nope}");
}

TEST(smart_targets, the_visitors_query_is_merged_byte_for_byte)
{
    EXPECT_EQ(*with_visitor_query("https://s.example/p", "a=1&b=%C3%A9+x"), "https://s.example/p?a=1&b=%C3%A9+x");
    EXPECT_EQ(*with_visitor_query("https://s.example/p?tag=lea-21", "tag=thief&utm_source=tt"),
              "https://s.example/p?tag=lea-21&utm_source=tt");
    EXPECT_EQ(*with_visitor_query("https://s.example/p?x=1#frag", "y=2"), "https://s.example/p?x=1&y=2#frag");
    EXPECT_EQ(*with_visitor_query("https://s.example/p?", "y=2&&"), "https://s.example/p?y=2");
    EXPECT_EQ(*with_visitor_query("https://s.example/p?%74ag=1", "tag=2"), "https://s.example/p?%74ag=1");
    EXPECT_EQ(*with_visitor_query("https://s.example/p", ""), "https://s.example/p");
    EXPECT_FALSE(with_visitor_query("https://s.example/p", "q=" + std::string(9000, 'a')));
}

TEST(smart_targets, instants_parse_and_print_in_utc)
{
    EXPECT_EQ(format_instant(*parse_instant("2026-11-25")), "2026-11-25T00:00:00Z");
    EXPECT_EQ(format_instant(*parse_instant("2026-11-25T18:30")), "2026-11-25T18:30:00Z");
    EXPECT_EQ(format_instant(*parse_instant("2026-11-25T18:30:05.250Z")), "2026-11-25T18:30:05.250Z");
    EXPECT_EQ(format_instant(*parse_instant("2026-11-25T00:30:00-02:00")), "2026-11-25T02:30:00Z");
    EXPECT_FALSE(parse_instant("2026-02-30"));
    EXPECT_FALSE(parse_instant("2026-11-25T25:00"));
    EXPECT_FALSE(parse_instant("2026-11-25Tnoon"));
    EXPECT_FALSE(parse_instant("next week"));
}

TEST(escape_page, each_app_gets_the_way_out_it_honours)
{
    auto const target = std::string("https://shop.example/p?sub=01ABC#reviews");
    auto const android = escape_href(escape_for("tiktok", "android"), target);
    EXPECT_EQ(android, "intent://shop.example/p?sub=01ABC#Intent;scheme=https;S.browser_fallback_url="
                       "https%3A%2F%2Fshop.example%2Fp%3Fsub%3D01ABC%23reviews;end");
    EXPECT_EQ(android.find("package="), std::string::npos);
    EXPECT_EQ(escape_href(escape_for("instagram", "ios"), target),
              "instagram://extbrowser/?url=https%3A%2F%2Fshop.example%2Fp%3Fsub%3D01ABC%23reviews");
    EXPECT_TRUE(escape_href(escape_for("threads", "ios"), target).starts_with("barcelona://extbrowser/?url="));
    EXPECT_EQ(escape_href(escape_for("facebook", "ios"), target), "x-safari-" + target);
    EXPECT_EQ(escape_href(escape_for("linkedin", "ios"), target), "x-safari-" + target);
    EXPECT_EQ(escape_for("tiktok", "ios"), escape_kind::copy_link);
    EXPECT_EQ(escape_for("snapchat", "ios"), escape_kind::copy_link);

    auto const page = escape_page(target, "tiktok", "ios", true);
    EXPECT_LT(page.body().size(), 10u * 1024);
    EXPECT_NE(page.body().find("Copier le lien"), std::string::npos);
    EXPECT_EQ(page.body().find("http-equiv"), std::string::npos); // never redirects by itself
    EXPECT_NE(page["Content-Security-Policy"].find("script-src 'sha256-"), std::string_view::npos);
}

TEST(storefronts, one_country_rule_per_marketplace)
{
    auto const rules = storefront_rules(boost::json::parse(
        R"({"product_id":"B08N5WRWNW","storefronts":[{"country":"fr","tag":"lea-21"},{"country":"AT","tag":"lea0d-21"},
            {"country":"GB","target_url":"https://shop.example.co.uk/p/1?aff=lea"}]})").as_object());
    ASSERT_EQ(rules.size(), 3u);
    EXPECT_EQ(rules[0].at("target_url").as_string(), "https://www.amazon.fr/dp/B08N5WRWNW?tag=lea-21");
    EXPECT_EQ(rules[0].at("if").at("country").as_array().at(0).as_string(), "FR");
    EXPECT_EQ(rules[1].at("target_url").as_string(), "https://www.amazon.de/dp/B08N5WRWNW?tag=lea0d-21");
    // A second run replaces the country rules, keeps the others in front.
    auto const stored = R"([{"if":{"country":["US"]},"target_url":"https://old.example/"},{"if":{"os":["ios"]},"target_url":"https://ios.example/"}])";
    auto const merged = boost::json::parse(with_storefront_rules(stored, rules)).as_array();
    ASSERT_EQ(merged.size(), 4u);
    EXPECT_EQ(merged[0].at("target_url").as_string(), "https://ios.example/");

    auto const error_field = [](std::string const& body) {
        try {
            storefront_rules(boost::json::parse(body).as_object());
        } catch (http::http_error const& e) {
            return e.field;
        }
        return std::string("(accepted)");
    };
    EXPECT_EQ(error_field(R"({"product_id":"B0","storefronts":[{"country":"FR","tag":"a"},{"country":"XX","tag":"b"}]})"),
              "storefronts[1].domain");
    EXPECT_EQ(error_field(R"({"product_id":"B0","storefronts":[{"country":"FR"}]})"), "storefronts[0].tag");
    EXPECT_EQ(error_field(R"({"product_id":"B0 x","storefronts":[{"country":"FR","tag":"a"}]})"), "product_id");
    EXPECT_EQ(error_field(R"({"product_id":"B0","storefronts":[{"country":"FRA","tag":"a"}]})"), "storefronts[0].country");
}

} // namespace
} // namespace linkledger::links

namespace linkledger::clicks {
namespace {

void put_text(std::string& out, std::string_view text)
{
    out.push_back(static_cast<char>(text.size() & 0xff));
    out.push_back(static_cast<char>(text.size() >> 8));
    out.append(text);
}

// A record exactly as versions before smart redirects wrote it (format 1, no rule): a data dir
// may still hold such unshipped clicks after an upgrade.
TEST(click_record, a_record_written_by_the_previous_version_still_reads)
{
    std::string old;
    old.push_back(1);
    std::uint64_t const micros = 1'764'000'000'000'000;
    for (int i = 0; i < 8; ++i)
        old.push_back(static_cast<char>((micros >> (8 * i)) & 0xff));
    for (int i = 0; i < 8; ++i)
        old.push_back(static_cast<char>(((std::uint64_t{42}) >> (8 * i)) & 0xff));
    old.push_back(0);
    for (auto const* text : {"01JDZQ5C9M7R3K8T2V6W4X0Y1Z", "127.0.0.0", "UA", "", "tiktok", "", "", "", "",
                             "tiktok", "tiktok", "mobile", "ios", "FR", ""})
        put_text(old, text);
    auto const decoded = decode_click(old);
    ASSERT_TRUE(decoded);
    EXPECT_EQ(decoded->link_id, 42);
    EXPECT_EQ(decoded->click_id, "01JDZQ5C9M7R3K8T2V6W4X0Y1Z");
    EXPECT_EQ(decoded->country, "FR");
    EXPECT_EQ(decoded->rule, k_no_rule);
    EXPECT_FALSE(decoded->bot);
}

TEST(click_record, the_rule_round_trips)
{
    click c;
    c.click_id = "01JDZQ5C9M7R3K8T2V6W4X0Y1Z";
    c.link_id = 7;
    for (std::int16_t rule : {std::int16_t{0}, std::int16_t{19}, k_no_rule, k_expired_rule}) {
        c.rule = rule;
        auto const decoded = decode_click(encode_click(c));
        ASSERT_TRUE(decoded);
        EXPECT_EQ(decoded->rule, rule);
    }
    auto truncated = encode_click(c);
    truncated.pop_back();
    EXPECT_FALSE(decode_click(truncated));
}

} // namespace
} // namespace linkledger::clicks
