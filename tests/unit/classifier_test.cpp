// Classification on real User-Agent strings: in-app browsers that must count as people, and
// bots and previewers that must not.
#include "clicks/classifier.hpp"
#include "clicks/embedded_bot_patterns.hpp"

#include <boost/json/parse.hpp>
#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

using namespace linkledger::clicks;

namespace {

bot_detector const& bots()
{
    static bot_detector const detector(embedded_bot_patterns());
    return detector;
}

struct person {
    char const* user_agent;
    char const* in_app;
    char const* device;
    char const* os;
};

// Real in-app and browser User-Agents (TikTok, Instagram, ... as seen in their webviews).
person const k_people[] = {
    {"Mozilla/5.0 (iPhone; CPU iPhone OS 17_1_2 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148 musical_ly_32.5.0 JsSdk/2.0 NetType/WIFI Channel/App Store ByteLocale/en Region/US ByteFullLocale/en RevealType/Dialog isDarkMode/0 WKWebView/1 BytedanceWebview/d8a21c6 FalconTag/",
     "tiktok", "mobile", "ios"},
    {"Mozilla/5.0 (Linux; Android 13; SM-S908B Build/TP1A.220624.014; wv) AppleWebKit/537.36 (KHTML, like Gecko) Version/4.0 Chrome/119.0.6045.163 Mobile Safari/537.36 trill_320403 JsSdk/1.0 NetType/WIFI Channel/googleplay AppName/trill app_version/32.4.3 ByteLocale/en ByteFullLocale/en Region/DE AppId/1180 Spark/1.4.6.3-bugfix AppVersion/32.4.3 BytedanceWebview/d8a21c6",
     "tiktok", "mobile", "android"},
    {"Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148 Instagram 305.0.0.21.109 (iPhone15,3; iOS 17_0; en_US; en; scale=3.00; 1290x2796; 532277130)",
     "instagram", "mobile", "ios"},
    // Instagram on a Pixel names Google/google: a bare "google" bot pattern would drop it.
    {"Mozilla/5.0 (Linux; Android 14; Pixel 8 Build/UD1A.230803.041; wv) AppleWebKit/537.36 (KHTML, like Gecko) Version/4.0 Chrome/118.0.5993.111 Mobile Safari/537.36 Instagram 307.0.0.34.111 Android (34/14; 420dpi; 1080x2205; Google/google; Pixel 8; shiba; shiba; en_US; 532808440)",
     "instagram", "mobile", "android"},
    {"Mozilla/5.0 (iPhone; CPU iPhone OS 16_6 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148 [FBAN/FBIOS;FBDV/iPhone14,5;FBMD/iPhone;FBSN/iOS;FBSV/16.6;FBSS/3;FBID/phone;FBLC/en_US;FBOP/5]",
     "facebook", "mobile", "ios"},
    {"Mozilla/5.0 (Linux; Android 13; SM-A536B Build/TP1A.220624.014; wv) AppleWebKit/537.36 (KHTML, like Gecko) Version/4.0 Chrome/116.0.5845.163 Mobile Safari/537.36 [FB_IAB/FB4A;FBAV/431.0.0.37.108;]",
     "facebook", "mobile", "android"},
    {"Mozilla/5.0 (iPhone; CPU iPhone OS 17_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148 Snapchat/12.62.0.36 (like Safari/8617.2.4.10.8, panda)",
     "snapchat", "mobile", "ios"},
    {"Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148 [Pinterest/iOS]",
     "pinterest", "mobile", "ios"},
    {"Mozilla/5.0 (iPhone; CPU iPhone OS 16_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148 [LinkedInApp]/9.27.4134",
     "linkedin", "mobile", "ios"},
    {"Mozilla/5.0 (iPhone; CPU iPhone OS 17_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148 com.google.ios.youtube/18.43.4 (iPhone14,2; U; CPU iOS 17_1 like Mac OS X; en_US)",
     "youtube", "mobile", "ios"},
    {"Mozilla/5.0 (iPhone; CPU iPhone OS 16_3 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148 Twitter for iPhone/9.61",
     "x", "mobile", "ios"},
    {"Mozilla/5.0 (iPad; CPU OS 17_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.1 Mobile/15E148 Safari/604.1",
     "none", "tablet", "ios"},
    {"Mozilla/5.0 (Linux; Android 13; SM-X700) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36",
     "none", "tablet", "android"},
    {"Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36",
     "none", "desktop", "windows"},
    {"Mozilla/5.0 (Macintosh; Intel Mac OS X 14_1) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.1 Safari/605.1.15",
     "none", "desktop", "macos"},
};

char const* const k_bots[] = {
    "facebookexternalhit/1.1 (+http://www.facebook.com/externalhit_uatext.php)",
    "Twitterbot/1.0",
    "Slackbot-LinkExpanding 1.0 (+https://api.slack.com/robots)",
    "WhatsApp/2.23.20.0",
    "Mozilla/5.0 (compatible; Discordbot/2.0; +https://discordapp.com)",
    "TelegramBot (like TwitterBot)",
    "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)",
    "Mozilla/5.0 (compatible; bingbot/2.0; +http://www.bing.com/bingbot.htm)",
    "Mozilla/5.0 (Linux; Android 5.0) AppleWebKit/537.36 (KHTML, like Gecko) Mobile Safari/537.36 (compatible; TikTokSpider; ttspider-feedback@tiktok.com)",
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148 musical_ly_32.5.0 BytedanceWebview/d8a21c6 thirdLandingPageFeInfra",
    "curl/8.4.0",
    "Wget/1.21.3",
    "python-requests/2.31.0",
    "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) HeadlessChrome/120.0.6099.109 Safari/537.36",
    "LinkedInBot/1.0 (compatible; Mozilla/5.0; Apache-HttpClient +http://www.linkedin.com)",
    "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_11_1) AppleWebKit/601.2.4 (KHTML, like Gecko) Version/9.0.1 Safari/601.2.4 facebookexternalhit/1.1 Facebot Twitterbot/1.0",
};

} // namespace

TEST(classifier, people_in_app_browsers_are_not_bots)
{
    classifier c(bots());
    for (auto const& p : k_people) {
        auto const traits = c.classify(p.user_agent);
        EXPECT_EQ(traits.bot_reason, "") << p.user_agent;
        EXPECT_EQ(traits.in_app, p.in_app) << p.user_agent;
        EXPECT_EQ(traits.device, p.device) << p.user_agent;
        EXPECT_EQ(traits.os, p.os) << p.user_agent;
    }
}

TEST(classifier, bots_and_previewers_are_flagged_with_a_reason)
{
    classifier c(bots());
    for (auto const* ua : k_bots)
        EXPECT_NE(c.classify(ua).bot_reason, "") << ua;
    EXPECT_EQ(c.classify("").bot_reason, "empty user agent");
    EXPECT_EQ(c.classify("facebookexternalhit/1.1").bot_reason, "facebook link preview");
    EXPECT_EQ(c.classify(k_bots[9]).bot_reason, "tiktok ad preloader");
    // Cached answers are the same answers.
    EXPECT_EQ(c.classify("curl/8.4.0").bot_reason, c.classify("curl/8.4.0").bot_reason);
}

TEST(classifier, every_example_of_the_crawler_list_is_caught)
{
    std::ifstream in(LINKLEDGER_FIXTURES "/crawler-user-agents-instances.json");
    ASSERT_TRUE(in) << "fixture missing";
    std::stringstream text;
    text << in.rdbuf();
    auto const entries = boost::json::parse(text.str()).as_array();
    classifier c(bots());
    std::size_t checked = 0;
    std::size_t missed = 0;
    for (auto const& entry : entries)
        for (auto const& instance : entry.at("instances").as_array()) {
            ++checked;
            if (c.classify(std::string(instance.as_string())).bot_reason.empty()) {
                ++missed;
                ADD_FAILURE() << "not flagged: " << instance.as_string();
                if (missed > 20)
                    return;
            }
        }
    EXPECT_GT(checked, 1000u);
    // A pattern RE2 cannot compile would leave its examples through.
    EXPECT_EQ(bots().skipped_count(), 0u);
}

TEST(traffic_source, precedence_utm_then_app_then_referer)
{
    EXPECT_EQ(traffic_source("TikTok", "instagram", "https://www.google.com/"), "tiktok");
    EXPECT_EQ(traffic_source("", "instagram", "https://www.google.com/"), "instagram");
    EXPECT_EQ(traffic_source("", "none", "https://www.Google.com/search?q=x"), "google.com");
    EXPECT_EQ(traffic_source("", "none", "android-app://com.slack"), "com.slack");
    EXPECT_EQ(traffic_source("", "none", "not a url"), "direct");
    EXPECT_EQ(traffic_source("", "none", ""), "direct");
}

// Found by fuzz_user_agent: a Referer whose host is only "www." left the click without a source.
TEST(traffic_source, a_referer_host_that_is_only_www_counts_as_direct)
{
    EXPECT_EQ(traffic_source("", "none", "http://www./"), "direct");
    EXPECT_EQ(traffic_source("", "none", "https://WWW./path?q=1"), "direct");
    EXPECT_EQ(traffic_source("", "none", "https://www.x/"), "x");
}
