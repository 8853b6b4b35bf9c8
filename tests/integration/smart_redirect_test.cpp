// Smart redirects (issue 14) over the real server and PostgreSQL: query forwarding and its
// clashes, placeholders, each rule condition and first-match order, validity and max_clicks,
// the storefront preset, bad input naming the exact field, the escape page per app and
// platform (real User-Agents), and the rule recorded with the click and in reports.
#include "instance.hpp"
#include "tiny_mmdb.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <thread>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <regex>

using namespace linkledger::testing;

namespace {

// Real in-app User-Agents (as in tests/unit/classifier_test.cpp).
constexpr char const* k_tiktok_ios =
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_1_2 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148 "
    "musical_ly_32.5.0 JsSdk/2.0 NetType/WIFI Channel/App Store ByteLocale/en Region/US ByteFullLocale/en "
    "RevealType/Dialog isDarkMode/0 WKWebView/1 BytedanceWebview/d8a21c6 FalconTag/";
constexpr char const* k_tiktok_android =
    "Mozilla/5.0 (Linux; Android 13; SM-S908B Build/TP1A.220624.014; wv) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Version/4.0 Chrome/119.0.6045.163 Mobile Safari/537.36 trill_320403 JsSdk/1.0 NetType/WIFI Channel/googleplay "
    "AppName/trill app_version/32.4.3 ByteLocale/en ByteFullLocale/en Region/DE AppId/1180 Spark/1.4.6.3-bugfix "
    "AppVersion/32.4.3 BytedanceWebview/d8a21c6";
constexpr char const* k_instagram_ios =
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148 "
    "Instagram 305.0.0.21.109 (iPhone15,3; iOS 17_0; en_US; en; scale=3.00; 1290x2796; 532277130)";
constexpr char const* k_instagram_android =
    "Mozilla/5.0 (Linux; Android 14; Pixel 8 Build/UD1A.230803.041; wv) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Version/4.0 Chrome/118.0.5993.111 Mobile Safari/537.36 Instagram 307.0.0.34.111 Android (34/14; 420dpi; "
    "1080x2205; Google/google; Pixel 8; shiba; shiba; en_US; 532808440)";
constexpr char const* k_facebook_ios =
    "Mozilla/5.0 (iPhone; CPU iPhone OS 16_6 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148 "
    "[FBAN/FBIOS;FBDV/iPhone14,5;FBMD/iPhone;FBSN/iOS;FBSV/16.6;FBSS/3;FBID/phone;FBLC/en_US;FBOP/5]";
constexpr char const* k_facebook_android =
    "Mozilla/5.0 (Linux; Android 13; SM-A536B Build/TP1A.220624.014; wv) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Version/4.0 Chrome/116.0.5845.163 Mobile Safari/537.36 [FB_IAB/FB4A;FBAV/431.0.0.37.108;]";
constexpr char const* k_safari_iphone =
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.1 "
    "Mobile/15E148 Safari/604.1";
constexpr char const* k_chrome_windows =
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36";
constexpr char const* k_chrome_android_tablet =
    "Mozilla/5.0 (Linux; Android 13; SM-X700) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36";
constexpr char const* k_safari_mac =
    "Mozilla/5.0 (Macintosh; Intel Mac OS X 14_1) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.1 Safari/605.1.15";

// 1.0.0.0/8 is FR, 2.0.0.0/8 DE and 3.0.0.0/8 US, in DB-IP's {"country_code": ..} shape:
// enough for country rules.
std::string tiny_country_mmdb()
{
    using namespace linkledger::testing::mmdb;
    return database({{1, map({{"country_code", utf8("FR")}})},
                     {2, map({{"country_code", utf8("DE")}})},
                     {3, map({{"country_code", utf8("US")}})}});
}

class smart_redirect : public ::testing::Test {
protected:
    static void SetUpTestSuite()
    {
        mmdb_path = std::filesystem::temp_directory_path() / ("linkledger-smart-" + std::to_string(::getpid()) + ".mmdb");
        std::ofstream(mmdb_path, std::ios::binary) << tiny_country_mmdb();
        try {
            ll = new instance("smart_redirect", {{"LINKLEDGER_GEOIP_DB", mmdb_path.string()},
                                                 {"LINKLEDGER_TRUSTED_PROXIES", "127.0.0.1, ::1"}});
        } catch (std::exception const& e) {
            start_error = e.what();
        }
    }
    static void TearDownTestSuite()
    {
        delete ll;
        ll = nullptr;
        std::filesystem::remove(mmdb_path);
    }
    void SetUp() override { ASSERT_NE(ll, nullptr) << "instance did not start: " << start_error; }

    static http_reply visit(std::string const& target, std::map<std::string, std::string> headers = {})
    {
        if (!headers.contains("User-Agent"))
            headers["User-Agent"] = k_safari_iphone;
        return send(ll->port(), {"GET", target, "", headers});
    }
    static std::string location(std::string const& target, std::map<std::string, std::string> headers = {})
    {
        auto const reply = visit(target, std::move(headers));
        EXPECT_EQ(reply.status, 302) << target << ": " << reply.body;
        return reply.header("Location");
    }
    static std::int64_t id_of(boost::json::object const& link) { return link.at("id").as_int64(); }
    // The rule the clicks API shows for `click_id`, once shipped.
    static boost::json::value rule_of(std::int64_t link_id, std::string const& click_id)
    {
        ll->db().wait_for_value("SELECT count(*) FROM clicks WHERE click_id = '" + click_id + "'", "1");
        auto const clicks = ll->api("GET", "/api/v1/clicks?link_id=" + std::to_string(link_id) + "&limit=1000").json();
        for (auto const& c : clicks.at("clicks").as_array())
            if (c.at("click_id").as_string() == click_id)
                return c.at("rule");
        ADD_FAILURE() << "click " << click_id << " not listed";
        return "missing";
    }

    static inline instance* ll = nullptr;
    static inline std::string start_error;
    static inline std::filesystem::path mmdb_path;
};

TEST_F(smart_redirect, the_visitors_query_is_forwarded_and_the_links_own_values_win)
{
    auto const link = ll->create_link(R"({"target_url":"https://shop.example/p?tag=lea-21#top","slug":"sr-fwd"})");
    EXPECT_TRUE(link.at("forward_query").as_bool());
    EXPECT_EQ(location("/sr-fwd?tag=thief&utm_source=tt&q=%C3%A9+a%2Bb&flag"),
              "https://shop.example/p?tag=lea-21&utm_source=tt&q=%C3%A9+a%2Bb&flag#top");
    EXPECT_EQ(location("/sr-fwd"), "https://shop.example/p?tag=lea-21#top");
    // What browsers leave unencoded in a query (an ad's unfilled {macro}) still redirects.
    EXPECT_EQ(location("/sr-fwd?ad={campaign}&x=a|b^c[1]\\`%zz"),
              "https://shop.example/p?tag=lea-21&ad=%7Bcampaign%7D&x=a%7Cb%5Ec%5B1%5D%5C%60%25zz#top");

    ll->api("PATCH", "/api/v1/links/" + std::to_string(id_of(link)), R"({"forward_query":false})");
    EXPECT_EQ(location("/sr-fwd?utm_source=tt"), "https://shop.example/p?tag=lea-21#top");

    // Past 8 KB of Location the visitor's query is left out, never a 5xx.
    auto const long_target = "https://shop.example/long?pad=" + std::string(1900, 'x');
    ll->create_link(R"({"target_url":")" + long_target + R"(","slug":"sr-long"})");
    auto const reply = visit("/sr-long?q=" + std::string(5000, 'a') + "&r=" + std::string(1500, 'b'));
    EXPECT_EQ(reply.status, 302);
    EXPECT_EQ(reply.header("Location"), long_target);
}

// A link saved before placeholders were refused in the host is not served: a visitor's
// utm_source would pick where it sends people.
TEST_F(smart_redirect, a_link_stored_with_a_placeholder_in_its_host_is_not_served)
{
    auto const link = ll->create_link(R"({"target_url":"https://shop.example/ok","slug":"sr-host"})");
    EXPECT_EQ(visit("/sr-host").status, 302);
    ll->db().execute("UPDATE links SET target_url = 'https://{source}/x' WHERE id = " + std::to_string(id_of(link)));
    http_reply reply;
    for (int i = 0; i < 100; ++i) {
        reply = visit("/sr-host?utm_source=evil.example");
        if (reply.status != 302)
            break;
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    EXPECT_NE(reply.status, 302) << reply.header("Location");
    EXPECT_EQ(reply.header("Location"), "");
    // An edit that keeps the target (its title) does not bring it back on the node that made it.
    ASSERT_EQ(ll->api("PATCH", "/api/v1/links/" + std::to_string(id_of(link)), R"({"title":"still unsafe"})").status, 200);
    EXPECT_NE(visit("/sr-host?utm_source=evil.example").status, 302);
    // Fixed through the API, it is served again.
    ASSERT_EQ(ll->api("PATCH", "/api/v1/links/" + std::to_string(id_of(link)), R"({"target_url":"https://shop.example/{source}"})").status, 200);
    EXPECT_EQ(location("/sr-host?utm_source=evil.example"), "https://shop.example/evil.example?utm_source=evil.example");
}

TEST_F(smart_redirect, placeholders_are_filled_and_url_encoded)
{
    auto const video = ll->api("POST", "/api/v1/videos", R"({"platform":"tiktok","url":"https://www.tiktok.com/@lea/video/1","posted_at":"2026-01-01T10:00:00Z"})");
    ASSERT_EQ(video.status, 201) << video.body;
    auto const video_id = std::to_string(video.json().at("id").as_int64());
    ll->create_link(R"({"target_url":"https://shop.example/{slug}?c={click_id}&s={source}&v={video_id}&cc={country}","slug":"sr-ph","video_id":)" +
                    video_id + "}");
    auto const loc = location("/sr-ph?utm_source=My%20Bio", {{"X-Forwarded-For", "1.2.3.4"}});
    std::smatch m;
    ASSERT_TRUE(std::regex_match(loc, m, std::regex(R"(https://shop\.example/sr-ph\?c=([0-9A-Z]{26})&s=my%20bio&v=)" + video_id +
                                                    R"(&cc=FR&utm_source=My%20Bio)")))
        << loc;
    ll->create_link(R"({"target_url":"https://shop.example/x?v={video_id}&cc={country}","slug":"sr-ph2","forward_query":false})");
    EXPECT_EQ(location("/sr-ph2"), "https://shop.example/x?v=&cc=unknown");
}

TEST_F(smart_redirect, each_condition_and_the_first_rule_that_holds)
{
    auto const link = ll->create_link(R"({"slug":"sr-rules","target_url":"https://shop.example/default","rules":[
        {"if":{"query":["variant=red"]},"target_url":"https://shop.example/red"},
        {"if":{"query":["gift"]},"target_url":"https://shop.example/gift"},
        {"if":{"device":["desktop"],"os":["windows"]},"target_url":"https://shop.example/windows"},
        {"if":{"device":"desktop"},"target_url":"https://shop.example/desktop"},
        {"if":{"device":["tablet"]},"target_url":"https://shop.example/tablet"},
        {"if":{"in_app":["tiktok"],"os":["android"]},"target_url":"https://shop.example/tiktok-android"},
        {"if":{"in_app":["any"]},"target_url":"https://shop.example/in-app"},
        {"if":{"country":["FR","BE"]},"target_url":"https://shop.example/fr"},
        {"if":{"language":["de"]},"target_url":"https://shop.example/de"},
        {"if":{"after":"2020-01-01T00:00:00Z","before":"2020-12-31T00:00:00Z"},"target_url":"https://shop.example/2020"},
        {"if":{"before":"2099-01-01"},"target_url":"https://shop.example/until-2099"}
    ],"forward_query":false})");
    ASSERT_EQ(link.at("rules").as_array().size(), 11u);
    auto const id = id_of(link);
    EXPECT_EQ(location("/sr-rules?variant=red", {{"User-Agent", k_chrome_windows}}), "https://shop.example/red");
    EXPECT_EQ(location("/sr-rules?variant=blue&gift", {{"User-Agent", k_chrome_windows}}), "https://shop.example/gift");
    EXPECT_EQ(location("/sr-rules", {{"User-Agent", k_chrome_windows}}), "https://shop.example/windows");
    EXPECT_EQ(location("/sr-rules", {{"User-Agent", k_safari_mac}}), "https://shop.example/desktop");
    EXPECT_EQ(location("/sr-rules", {{"User-Agent", k_chrome_android_tablet}}), "https://shop.example/tablet");
    EXPECT_EQ(location("/sr-rules", {{"User-Agent", k_tiktok_android}}), "https://shop.example/tiktok-android");
    EXPECT_EQ(location("/sr-rules", {{"User-Agent", k_tiktok_ios}}), "https://shop.example/in-app");
    EXPECT_EQ(location("/sr-rules", {{"User-Agent", k_instagram_ios}}), "https://shop.example/in-app");
    EXPECT_EQ(location("/sr-rules", {{"X-Forwarded-For", "1.9.9.9"}}), "https://shop.example/fr");
    EXPECT_EQ(location("/sr-rules", {{"X-Forwarded-For", "2.9.9.9"}, {"Accept-Language", "de-AT,de;q=0.9"}}),
              "https://shop.example/de");
    EXPECT_EQ(location("/sr-rules", {{"X-Forwarded-For", "3.9.9.9"}, {"Accept-Language", "en-US,de;q=0.9"}}),
              "https://shop.example/until-2099");

    // The rule is stored with the click and listed by the clicks API.
    auto const click_of = [](std::string const& loc_header) { return loc_header; };
    (void)click_of;
    ll->api("PATCH", "/api/v1/links/" + std::to_string(id),
            R"({"rules":[{"if":{"country":["DE"]},"target_url":"https://shop.example/de?c={click_id}"}],"target_url":"https://shop.example/d?c={click_id}"})");
    auto const matched = location("/sr-rules", {{"X-Forwarded-For", "2.1.1.1"}});
    auto const unmatched = location("/sr-rules", {{"X-Forwarded-For", "3.1.1.1"}});
    ASSERT_TRUE(matched.starts_with("https://shop.example/de?c=")) << matched;
    ASSERT_TRUE(unmatched.starts_with("https://shop.example/d?c=")) << unmatched;
    EXPECT_EQ(rule_of(id, matched.substr(matched.find("c=") + 2)), boost::json::value(0));
    EXPECT_TRUE(rule_of(id, unmatched.substr(unmatched.find("c=") + 2)).is_null());

    auto const report = ll->api("GET", "/api/v1/reports/revenue?group_by=rule");
    ASSERT_EQ(report.status, 200) << report.body;
    bool saw_rule_zero = false;
    auto const report_json = report.json();
    for (auto const& row : report_json.at("rows").as_array())
        if (row.at("key") == boost::json::value("0"))
            saw_rule_zero = row.at("clicks").as_int64() >= 1;
    EXPECT_TRUE(saw_rule_zero) << report.body;
}

// By rule, the link's own target (key null) holds the sales its clicks bought, never those that
// came through no click: a sale by code and one by hand were filed under the same key '' and
// read as bought by the own target's clicks.
TEST_F(smart_redirect, by_rule_sales_without_a_click_are_a_row_of_their_own)
{
    auto const offer = ll->api("POST", "/api/v1/offers",
                               R"({"name":"Rules shop","currency":"EUR","commission":{"type":"percent","rate_bps":1000}})");
    ASSERT_EQ(offer.status, 201) << offer.body;
    auto const offer_id = std::to_string(offer.json().at("id").as_int64());
    ASSERT_EQ(ll->api("POST", "/api/v1/promo-codes", R"({"code":"RULESCODE","offer_id":)" + offer_id + "}").status, 201);
    ll->create_link(R"({"slug":"sr-by-rule","target_url":"https://shop.example/own?c={click_id}","forward_query":false,
        "rules":[{"if":{"query":["variant=red"]},"target_url":"https://shop.example/red?c={click_id}"}]})");
    auto const own = location("/sr-by-rule");
    location("/sr-by-rule"); // a second click that bought nothing
    auto const red = location("/sr-by-rule?variant=red");
    ASSERT_TRUE(own.starts_with("https://shop.example/own?c=")) << own;
    ASSERT_TRUE(red.starts_with("https://shop.example/red?c=")) << red;
    auto const own_click = own.substr(own.find("c=") + 2);
    ll->db().wait_for_value("SELECT count(*) FROM clicks WHERE click_id = '" + own_click + "'", "1");
    auto const sale = [&](std::string const& rest) {
        auto const reply = ll->api("POST", "/api/v1/conversions", R"({"offer_id":)" + offer_id + "," + rest + "}");
        EXPECT_EQ(reply.status, 201) << reply.body;
        return reply.json().at("attribution").as_string();
    };
    EXPECT_EQ(sale(R"("txid":"RULE-CLICK","amount_minor":1000,"click_id":")" + own_click + "\""), "click");
    EXPECT_EQ(sale(R"("txid":"RULE-CODE","amount_minor":2000,"code":"RULESCODE")"), "code");
    EXPECT_EQ(sale(R"("txid":"RULE-HAND","amount_minor":4000)"), "none");

    auto const report = ll->api("GET", "/api/v1/reports/revenue?group_by=rule");
    ASSERT_EQ(report.status, 200) << report.body;
    boost::json::object const* own_target = nullptr;
    boost::json::object const* no_click = nullptr;
    auto const json = report.json();
    for (auto const& row : json.at("rows").as_array()) {
        if (row.at("key").is_null() && !row.at("currency").is_null())
            own_target = &row.as_object();
        if (row.at("key") == boost::json::value("no_click"))
            no_click = &row.as_object();
    }
    ASSERT_NE(own_target, nullptr) << report.body;
    EXPECT_EQ(own_target->at("label").as_string(), "(none)");
    EXPECT_EQ(own_target->at("conversions").as_int64(), 1) << report.body;
    EXPECT_EQ(own_target->at("revenue_minor").as_int64(), 1000);
    EXPECT_EQ(own_target->at("sales_without_click").as_int64(), 0);
    EXPECT_GE(own_target->at("clicks").as_int64(), 2);
    ASSERT_NE(no_click, nullptr) << report.body;
    EXPECT_EQ(no_click->at("label").as_string(), "(no click)");
    EXPECT_EQ(no_click->at("conversions").as_int64(), 2);
    EXPECT_EQ(no_click->at("revenue_minor").as_int64(), 6000);
    EXPECT_EQ(no_click->at("sales_without_click").as_int64(), 2);
    EXPECT_EQ(no_click->at("clicks").as_int64(), 0);
}

TEST_F(smart_redirect, validity_window_expired_url_and_click_budget)
{
    ll->create_link(R"({"slug":"sr-soon","target_url":"https://shop.example/sale","valid_from":"2099-01-01T00:00:00Z"})");
    EXPECT_EQ(visit("/sr-soon").status, 404);
    ll->create_link(R"({"slug":"sr-past","target_url":"https://shop.example/sale","valid_until":"2020-01-01"})");
    EXPECT_EQ(visit("/sr-past").status, 410);
    auto const sale = ll->create_link(R"({"slug":"sr-sale","target_url":"https://shop.example/sale",
        "valid_from":"2020-01-01T00:00:00Z","valid_until":"2099-01-01T00:00:00+01:00","expired_url":"https://shop.example/home?c={click_id}"})");
    EXPECT_EQ(sale.at("valid_from").as_string(), "2020-01-01T00:00:00Z");
    EXPECT_EQ(sale.at("valid_until").as_string(), "2098-12-31T23:00:00Z");
    EXPECT_EQ(location("/sr-sale"), "https://shop.example/sale");
    ll->api("PATCH", "/api/v1/links/" + std::to_string(id_of(sale)), R"({"valid_until":"2021-01-01"})");
    auto const expired = location("/sr-sale?utm_source=tt");
    ASSERT_TRUE(expired.starts_with("https://shop.example/home?c=")) << expired;
    EXPECT_TRUE(expired.ends_with("&utm_source=tt"));
    auto const click_id = expired.substr(28, 26);
    EXPECT_EQ(rule_of(id_of(sale), click_id), boost::json::value("expired"));

    auto const budget = ll->create_link(R"({"slug":"sr-budget","target_url":"https://shop.example/drop","max_clicks":2})");
    EXPECT_EQ(budget.at("max_clicks").as_int64(), 2);
    EXPECT_EQ(visit("/sr-budget", {{"User-Agent", "curl/8.0"}}).status, 302); // a bot: not counted
    EXPECT_EQ(location("/sr-budget"), "https://shop.example/drop");
    EXPECT_EQ(location("/sr-budget"), "https://shop.example/drop");
    EXPECT_EQ(visit("/sr-budget").status, 410);
    // A budget raised, and a place to send once past it.
    ll->api("PATCH", "/api/v1/links/" + std::to_string(id_of(budget)), R"({"max_clicks":3,"expired_url":"https://shop.example/sold-out"})");
    EXPECT_EQ(location("/sr-budget"), "https://shop.example/drop");
    EXPECT_EQ(location("/sr-budget"), "https://shop.example/sold-out");
}

TEST_F(smart_redirect, bad_input_is_a_400_naming_the_exact_field_and_saves_nothing)
{
    auto const link = ll->create_link(R"({"slug":"sr-bad","target_url":"https://shop.example/ok","title":"before"})");
    auto const path = "/api/v1/links/" + std::to_string(id_of(link));
    auto const expect_400 = [&](std::string const& body, std::string const& field) {
        auto const reply = ll->api("PATCH", path, body);
        EXPECT_EQ(reply.status, 400) << body;
        if (reply.status == 400) {
            EXPECT_EQ(reply.json().at("error").at("field").as_string(), field) << reply.body;
        }
    };
    std::string const ok_rule = R"({"if":{"country":["FR"]},"target_url":"https://shop.example/fr"})";
    expect_400(R"({"title":"after","rules":[)" + ok_rule + "," + ok_rule + "," + ok_rule +
                   R"(,{"if":{"country":["DE","Germany"]},"target_url":"https://shop.example/de"}]})",
               "rules[3].if.country[1]");
    expect_400(R"({"title":"after","rules":[{"if":{"weather":["rain"]},"target_url":"https://shop.example/x"}]})", "rules[0].if.weather");
    expect_400(R"j({"rules":[{"if":{},"target_url":"javascript:alert(1)"}]})j", "rules[0].target_url");
    std::string many;
    for (int i = 0; i < 21; ++i)
        many += (i ? "," : "") + ok_rule;
    expect_400(R"({"rules":[)" + many + "]}", "rules");
    expect_400(R"({"open_in_browser":"always"})", "open_in_browser");
    expect_400(R"({"max_clicks":0})", "max_clicks");
    expect_400(R"({"expired_url":"not a url"})", "expired_url");
    // A visitor must not choose the host: {source} comes from their utm_source or Referer.
    expect_400(R"({"target_url":"https://{source}/x"})", "target_url");
    expect_400(R"({"rules":[{"if":{},"target_url":"https://shop.example{source}/"}]})", "rules[0].target_url");
    expect_400(R"({"expired_url":"https://{country}.shop.example/"})", "expired_url");
    expect_400(R"({"valid_from":"soon"})", "valid_from");
    expect_400(R"({"valid_from":"2026-02-01","valid_until":"2026-01-01"})", "valid_until");
    ll->api("PATCH", path, R"({"valid_from":"2026-02-01"})");
    expect_400(R"({"valid_until":"2026-01-01"})", "valid_until");
    auto const stored = ll->api("GET", path).json();
    EXPECT_EQ(stored.at("title").as_string(), "before");
    EXPECT_EQ(stored.at("rules").as_array().size(), 0u);
    EXPECT_TRUE(stored.at("valid_until").is_null());
    auto const created = ll->api("POST", "/api/v1/links", R"({"target_url":"https://shop.example/","rules":[{"if":{"os":["palm"]},"target_url":"https://shop.example/"}]})");
    EXPECT_EQ(created.status, 400);
    EXPECT_EQ(created.json().at("error").at("field").as_string(), "rules[0].if.os[0]");
}

TEST_F(smart_redirect, the_storefront_preset_writes_one_country_rule_per_marketplace)
{
    auto const link = ll->create_link(R"({"slug":"sr-amzn","target_url":"https://www.amazon.com/dp/B08N5WRWNW?tag=lea-20","forward_query":false,
        "rules":[{"if":{"os":["ios"],"in_app":["tiktok"]},"target_url":"https://shop.example/app"}]})");
    auto const path = "/api/v1/links/" + std::to_string(id_of(link)) + "/storefronts";
    auto const reply = ll->api("POST", path, R"({"product_id":"B08N5WRWNW","storefronts":[
        {"country":"FR","tag":"lea-21"},{"country":"DE","tag":"lea0d-21"},{"country":"AT","tag":"lea0d-21"},{"country":"GB","tag":"lea-uk-21"}]})");
    ASSERT_EQ(reply.status, 200) << reply.body;
    auto const rules = reply.json().at("rules").as_array();
    ASSERT_EQ(rules.size(), 5u);
    EXPECT_EQ(rules[0].at("target_url").as_string(), "https://shop.example/app");
    EXPECT_EQ(rules[1].at("target_url").as_string(), "https://www.amazon.fr/dp/B08N5WRWNW?tag=lea-21");
    EXPECT_EQ(location("/sr-amzn", {{"X-Forwarded-For", "1.4.4.4"}}), "https://www.amazon.fr/dp/B08N5WRWNW?tag=lea-21");
    EXPECT_EQ(location("/sr-amzn", {{"X-Forwarded-For", "2.4.4.4"}}), "https://www.amazon.de/dp/B08N5WRWNW?tag=lea0d-21");
    EXPECT_EQ(location("/sr-amzn", {{"X-Forwarded-For", "3.4.4.4"}}), "https://www.amazon.com/dp/B08N5WRWNW?tag=lea-20");
    // Run again: the country rules are replaced, not doubled.
    auto const again = ll->api("POST", path, R"({"product_id":"B08N5WRWNW","storefronts":[{"country":"FR","tag":"lea2-21"}]})");
    ASSERT_EQ(again.status, 200) << again.body;
    EXPECT_EQ(again.json().at("rules").as_array().size(), 2u);
    EXPECT_EQ(location("/sr-amzn", {{"X-Forwarded-For", "1.4.4.4"}}), "https://www.amazon.fr/dp/B08N5WRWNW?tag=lea2-21");
    auto const bad = ll->api("POST", path, R"({"product_id":"B08N5WRWNW","storefronts":[{"country":"FR","tag":"x"},{"country":"QQ","tag":"y"}]})");
    EXPECT_EQ(bad.status, 400);
    EXPECT_EQ(bad.json().at("error").at("field").as_string(), "storefronts[1].domain");
    EXPECT_EQ(ll->api("POST", "/api/v1/links/999999/storefronts", R"({"product_id":"B0","storefronts":[{"country":"FR","tag":"x"}]})").status, 404);
}

struct escape_case {
    char const* user_agent;
    char const* button_prefix; // nullptr: "Copy link"
};

TEST_F(smart_redirect, the_escape_page_offers_each_app_its_way_out_with_the_same_click_id)
{
    auto const link = ll->create_link(R"({"slug":"sr-esc","target_url":"https://shop.example/p?sub={click_id}#reviews","open_in_browser":"auto"})");
    EXPECT_EQ(link.at("open_in_browser").as_string(), "auto");
    auto const id = id_of(link);
    escape_case const cases[] = {
        {k_tiktok_android, "intent://shop.example/p?sub="},
        {k_instagram_android, "intent://shop.example/p?sub="},
        {k_facebook_android, "intent://shop.example/p?sub="},
        {k_instagram_ios, "instagram://extbrowser/?url=https%3A%2F%2Fshop.example%2Fp%3Fsub%3D"},
        {k_facebook_ios, "x-safari-https://shop.example/p?sub="},
        {k_tiktok_ios, nullptr},
    };
    for (auto const& c : cases) {
        auto const reply = visit("/sr-esc", {{"User-Agent", c.user_agent}});
        ASSERT_EQ(reply.status, 200) << c.user_agent;
        EXPECT_NE(reply.header("Content-Type").find("text/html"), std::string::npos);
        EXPECT_NE(reply.header("Content-Security-Policy").find("default-src 'none'"), std::string::npos);
        EXPECT_EQ(reply.header("Cache-Control"), "no-store");
        EXPECT_LT(reply.body.size(), 10u * 1024);
        std::smatch m;
        ASSERT_TRUE(std::regex_search(reply.body, m, std::regex(R"(id="continue" class="here" href="https://shop\.example/p\?sub=([0-9A-Z]{26})#reviews")")))
            << reply.body;
        auto const click_id = m[1].str();
        if (c.button_prefix) {
            auto const button = std::string(R"(id="open" class="go" href=")") + c.button_prefix + click_id;
            EXPECT_NE(reply.body.find(button), std::string::npos) << c.user_agent << "\n" << reply.body;
            if (std::string_view(c.button_prefix).starts_with("intent:")) {
                EXPECT_NE(reply.body.find("#Intent;scheme=https;S.browser_fallback_url=https%3A%2F%2Fshop.example%2Fp%3Fsub%3D" + click_id),
                          std::string::npos);
                EXPECT_EQ(reply.body.find("package="), std::string::npos);
            }
        } else {
            EXPECT_NE(reply.body.find(R"(<input id="url" type="text" readonly value="https://shop.example/p?sub=)" + click_id),
                      std::string::npos)
                << reply.body;
            EXPECT_NE(reply.body.find("Copy link"), std::string::npos);
            EXPECT_NE(reply.body.find("TikTok"), std::string::npos);
        }
        // Journaled once when the page is served: the click id on the page is the stored click.
        EXPECT_TRUE(rule_of(id, click_id).is_null());
    }
    EXPECT_EQ(ll->db().query_value("SELECT count(*) FROM clicks WHERE link_id = " + std::to_string(id)),
              std::to_string(std::size(cases)));

    // French for a French phone; browsers, bots and HEAD get the plain 302.
    auto const french = visit("/sr-esc", {{"User-Agent", k_tiktok_ios}, {"Accept-Language", "fr-FR,fr;q=0.9"}});
    EXPECT_NE(french.body.find("Copier le lien"), std::string::npos);
    EXPECT_NE(french.body.find("lang=\"fr\""), std::string::npos);
    EXPECT_EQ(visit("/sr-esc", {{"User-Agent", k_safari_iphone}}).status, 302);
    EXPECT_EQ(visit("/sr-esc", {{"User-Agent", "facebookexternalhit/1.1 (+http://www.facebook.com/externalhit_uatext.php)"}}).status, 302);
    EXPECT_EQ(send(ll->port(), {"HEAD", "/sr-esc", "", {{"User-Agent", k_tiktok_ios}}}).status, 302);
    ll->api("PATCH", "/api/v1/links/" + std::to_string(id), R"({"open_in_browser":"off"})");
    EXPECT_EQ(visit("/sr-esc", {{"User-Agent", k_tiktok_ios}}).status, 302);
}

} // namespace
