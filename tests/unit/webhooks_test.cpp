// Events out without a database: Standard Webhooks signatures, the address policy (no SSRF),
// the retry schedule, URL checks and the human formats.
#include "events/address_policy.hpp"
#include "events/retry_schedule.hpp"
#include "events/webhook_formats.hpp"
#include "events/webhook_sender.hpp"
#include "events/webhook_signer.hpp"
#include "events/webhook_url.hpp"

#include <boost/json.hpp>
#include <gtest/gtest.h>

#include <cstdlib>

using namespace linkledger::events;
using namespace std::chrono_literals;

TEST(webhook_signer, matches_the_standard_webhooks_example)
{
    // The example of the Standard Webhooks reference libraries' tests.
    EXPECT_EQ(sign("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", "msg_p5jXN8AQM9LWM0D4loKWxJek", 1614265330,
                   R"({"test": 2432232314})"),
              "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=");
}

TEST(webhook_signer, secrets_are_whsec_and_32_bytes)
{
    auto const secret = make_webhook_secret();
    ASSERT_TRUE(secret.starts_with("whsec_"));
    auto const key = secret_key(secret);
    ASSERT_TRUE(key.has_value());
    EXPECT_EQ(key->size(), 32u);
    EXPECT_NE(secret, make_webhook_secret());
    EXPECT_FALSE(secret_key("MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw").has_value());
    EXPECT_FALSE(secret_key("whsec_not base64!").has_value());
}

TEST(webhook_signer, a_rotated_secret_signs_beside_the_new_one)
{
    auto const a = make_webhook_secret(), b = make_webhook_secret();
    auto const header = signature_header({a, b}, "msg_1", 1700000000, "{}");
    EXPECT_EQ(header, sign(a, "msg_1", 1700000000, "{}") + " " + sign(b, "msg_1", 1700000000, "{}"));
}

TEST(address_policy, refuses_what_is_not_public)
{
    auto reason = [](char const* text) { return non_public_reason(boost::asio::ip::make_address(text)); };
    for (auto const* bad : {"127.0.0.1", "127.1.2.3", "10.0.0.1", "172.16.5.4", "172.31.255.255", "192.168.1.1",
                            "169.254.169.254", "100.100.100.200", "0.0.0.0", "224.0.0.1", "255.255.255.255", "::1",
                            "::", "fe80::1", "fd00:ec2::254", "fc00::1", "::ffff:127.0.0.1", "::ffff:10.0.0.1",
                            "64:ff9b::a00:1", "2002:7f00:1::", "ff02::1"})
        EXPECT_TRUE(reason(bad).has_value()) << bad;
    for (auto const* good : {"93.184.216.34", "8.8.8.8", "172.32.0.1", "2606:4700:4700::1111", "::ffff:8.8.8.8"})
        EXPECT_FALSE(reason(good).has_value()) << good;
    EXPECT_EQ(*reason("127.0.0.1"), "loopback");
    EXPECT_EQ(*reason("169.254.169.254"), "link-local");
    EXPECT_EQ(*reason("fd00:ec2::254"), "unique-local");
}

TEST(webhook_url, needs_absolute_https_unless_private_is_allowed)
{
    EXPECT_FALSE(webhook_url_problem("https://hooks.example.com/in?x=1", false));
    EXPECT_TRUE(webhook_url_problem("http://hooks.example.com/in", false));
    EXPECT_FALSE(webhook_url_problem("http://127.0.0.1:8080/in", true));
    EXPECT_TRUE(webhook_url_problem("https://127.0.0.1/in", false));
    EXPECT_TRUE(webhook_url_problem("https://[::1]/in", false));
    EXPECT_TRUE(webhook_url_problem("https://localhost/in", false));
    EXPECT_TRUE(webhook_url_problem("https://user:pw@hooks.example.com/", false));
    EXPECT_TRUE(webhook_url_problem("ftp://hooks.example.com/", true));
    EXPECT_TRUE(webhook_url_problem("/relative", true));
    EXPECT_TRUE(webhook_url_problem("https:///nohost", true));
    EXPECT_TRUE(webhook_url_problem("https://hooks.example.com/" + std::string(3000, 'a'), true));
}

TEST(webhook_url, a_private_address_in_a_form_resolvers_read_is_refused)
{
    // inet_aton's shorthand forms (glibc's getaddrinfo takes them): fewer parts, decimal, hex
    // and octal parts; and localhost in any case, with a trailing dot.
    for (auto const* bad :
         {"https://127.1/", "https://2130706433/", "https://0x7f000001/", "https://0X7F000001/",
          "https://0177.0.0.1/", "https://0/", "https://0x7f.1/", "https://10.1.258/", "https://127.0.0.1./",
          "https://0xa9.0xfe.0xa9.0xfe/", "https://169.254.43518/", "https://LOCALHOST./", "https://LocalHost/",
          "https://foo.localhost./", "https://FOO.LOCALHOST/"}) {
        auto const problem = webhook_url_problem(bad, false);
        EXPECT_TRUE(problem) << bad;
        if (problem) {
            EXPECT_NE(problem->find("LINKLEDGER_WEBHOOK_ALLOW_PRIVATE"), std::string::npos) << *problem;
        }
        EXPECT_FALSE(webhook_url_problem(bad, true)) << bad;
    }
    EXPECT_NE(webhook_url_problem("https://0x7f000001/", false).value_or("").find("loopback"), std::string::npos);
    EXPECT_NE(webhook_url_problem("https://0/", false).value_or("").find("unspecified"), std::string::npos);
    // Public addresses in those forms, and names that only look numeric, stay allowed.
    for (auto const* good : {"https://134744072/", "https://8.8.8.8./", "https://0x08080808/", "https://8.526344/",
                             "https://127.example/",
                             "https://localhost.example/", "https://notlocalhost/"})
        EXPECT_FALSE(webhook_url_problem(good, false)) << good;
}

// A bare "0x" part is read as 0, as WHATWG URL parsers read it (0.0.0.0 is no endpoint); a host
// ending in more than one dot is no valid name, whatever LINKLEDGER_WEBHOOK_ALLOW_PRIVATE says.
TEST(webhook_url, a_bare_0x_part_is_0_and_a_host_ending_in_two_dots_is_refused)
{
    for (auto const* bad : {"https://0x/", "https://0X/", "https://0x./", "https://0x.0x.0x.0x/"}) {
        EXPECT_NE(webhook_url_problem(bad, false).value_or("").find("unspecified"), std::string::npos) << bad;
        EXPECT_FALSE(webhook_url_problem(bad, true)) << bad;
    }
    EXPECT_NE(webhook_url_problem("https://0x7f.0x.0.1/", false).value_or("").find("loopback"), std::string::npos);
    for (auto const* bad : {"https://localhost../", "https://hooks.example.com../", "https://hooks.example.com.../",
                            "https://../", "https://LOCALHOST../"}) {
        for (bool const allow_private : {false, true}) {
            auto const problem = webhook_url_problem(bad, allow_private);
            EXPECT_TRUE(problem) << bad;
            if (problem) {
                EXPECT_NE(problem->find("host"), std::string::npos) << *problem;
            }
        }
    }
    EXPECT_FALSE(webhook_url_problem("https://hooks.example.com./", false));
    EXPECT_FALSE(webhook_url_problem("https://0xfood.example/", false));
}

// Boost.URL 1.81 reads https://10.0.0.5.nip.io/ as the host 10.0.0.5 and the path ".nip.io/":
// the host written is a name, checked (and resolved at delivery) as one, its port and user name
// read from what is written.
TEST(webhook_url, a_name_that_begins_with_an_address_is_a_name)
{
    for (auto const* good : {"https://10.0.0.5.nip.io/hook", "https://8.8.8.8.sslip.io:8443/x?y=1"})
        EXPECT_FALSE(webhook_url_problem(good, false)) << good << ": " << webhook_url_problem(good, false).value_or("");
    EXPECT_NE(webhook_url_problem("https://10.0.0.5.nip.io:99999/", false).value_or("").find("port"), std::string::npos);
    EXPECT_NE(webhook_url_problem("https://10.0.0.5.a@hooks.example/", true).value_or("").find("user name"),
              std::string::npos);
    EXPECT_NE(webhook_url_problem("https://10.0.0.5.localhost/", false).value_or("").find("loopback"), std::string::npos);
}

// Sent to as a name, a host ending in a number that is no address fails every delivery at its
// lookup; refused when the endpoint is made, whatever LINKLEDGER_WEBHOOK_ALLOW_PRIVATE says.
TEST(webhook_url, a_host_ending_in_a_number_must_be_an_ipv4_address)
{
    for (auto const* bad : {"https://1.2.3.4.5/", "https://256.1.1.1/hook", "https://hooks.example.123/",
                            "https://1.2.3.4%2e5/", "https://8.8.8.8.0x1/", "https://1.2.3.4.5:8443/x"})
        for (bool const allow_private : {false, true})
            EXPECT_NE(webhook_url_problem(bad, allow_private).value_or("").find("ends in a number"), std::string::npos)
                << bad << ": " << webhook_url_problem(bad, allow_private).value_or("accepted");
    for (auto const* good : {"https://8.8.8.8/", "https://8.8.8.8./x", "https://134744072/", "https://8.8.2056/",
                             "https://123.example/", "https://8.8.8.8.sslip.io/"})
        EXPECT_FALSE(webhook_url_problem(good, false)) << good << ": " << webhook_url_problem(good, false).value_or("");
}

// Browsers read https://8.8.8.8./ as the address; glibc's resolver looks "8.8.8.8." up as a name.
TEST(webhook_url, an_address_with_a_trailing_dot_is_resolved_without_it)
{
    EXPECT_EQ(host_to_resolve("8.8.8.8."), "8.8.8.8");
    EXPECT_EQ(host_to_resolve("134744072."), "134744072");
    EXPECT_EQ(host_to_resolve("127.0.0.1."), "127.0.0.1");
    EXPECT_EQ(host_to_resolve("8.8.8.8"), "8.8.8.8");
    EXPECT_EQ(host_to_resolve("hooks.example.com."), "hooks.example.com.");
    EXPECT_EQ(host_to_resolve("8.8.8.8.sslip.io."), "8.8.8.8.sslip.io.");
    EXPECT_EQ(host_to_resolve("."), ".");
}

TEST(webhook_url, a_port_is_1_to_65535)
{
    EXPECT_FALSE(webhook_url_problem("https://a.example:65535/", false));
    EXPECT_FALSE(webhook_url_problem("https://a.example:1/", false));
    EXPECT_FALSE(webhook_url_problem("https://a.example:443/", false));
    for (auto const* bad : {"https://a.example:99999/", "https://a.example:65536/", "https://a.example:0/",
                            "https://a.example:00000/", "https://a.example:/", "https://a.example:4294967739/"}) {
        auto const problem = webhook_url_problem(bad, true);
        EXPECT_TRUE(problem) << bad;
        if (problem) {
            EXPECT_NE(problem->find("port"), std::string::npos) << *problem;
        }
    }
}

TEST(retry_schedule, backs_off_with_jitter_and_honours_retry_after)
{
    retry_schedule const standard;
    EXPECT_EQ(standard.max_attempts(), 10);
    EXPECT_EQ(*standard.next_delay(1, std::nullopt, 0.5), 5000ms);
    EXPECT_EQ(*standard.next_delay(2, std::nullopt, 0.5), 300000ms);
    EXPECT_EQ(*standard.next_delay(9, std::nullopt, 0.5), std::chrono::milliseconds(24h));
    EXPECT_EQ(*standard.next_delay(1, std::nullopt, 0.0), 4000ms);
    EXPECT_EQ(*standard.next_delay(1, std::nullopt, 0.999999), 5999ms);
    EXPECT_FALSE(standard.next_delay(10, std::nullopt, 0.5));
    // Retry-After is a floor, capped at a day.
    EXPECT_EQ(*standard.next_delay(1, 60s, 0.5), 60000ms);
    EXPECT_EQ(*standard.next_delay(2, 60s, 0.5), 300000ms);
    EXPECT_EQ(*standard.next_delay(1, std::chrono::seconds(10 * 86400), 0.5), std::chrono::milliseconds(24h));
    auto const custom = retry_schedule::parse("1,2");
    EXPECT_EQ(custom.max_attempts(), 3);
    EXPECT_THROW(retry_schedule::parse("1,,2"), std::invalid_argument);
    EXPECT_THROW(retry_schedule::parse("soon"), std::invalid_argument);
}

TEST(retry_schedule, reads_retry_after_as_seconds_or_a_date)
{
    EXPECT_EQ(*parse_retry_after("120", 0), 120s);
    EXPECT_EQ(*parse_retry_after(" 5 ", 0), 5s);
    EXPECT_EQ(*parse_retry_after("Sun, 06 Nov 1994 08:49:37 GMT", 784111717), 60s);
    EXPECT_FALSE(parse_retry_after("-1", 0));
    EXPECT_FALSE(parse_retry_after("soon", 0));
}

TEST(webhook_formats, a_sale_reads_as_one_line_in_the_instance_language)
{
    outgoing_event const sale{"sale.created", "2026-11-25T18:00:00.000Z",
                              R"({"id":1,"amount_minor":1999,"commission_minor":200,"currency":"EUR","source":"tiktok","status":"pending"})",
                              R"({"video_title":"Winter haul"})"};
    EXPECT_EQ(chat_message(sale, "https://ll.example", "en"),
              "Sale €19.99 via tiktok, video Winter haul, commission €2.00");
    EXPECT_EQ(chat_message(sale, "https://ll.example", "fr"),
              "Vente 19,99\u00a0€ via tiktok, vidéo Winter haul, commission 2,00\u00a0€");
    auto const discord = boost::json::parse(webhook_body(sale, "discord", "https://ll.example", "en"));
    EXPECT_EQ(discord.at("content").as_string(), "Sale €19.99 via tiktok, video Winter haul, commission €2.00");
    auto const slack = boost::json::parse(webhook_body(sale, "slack", "https://ll.example", "en"));
    EXPECT_EQ(slack.at("text").as_string(), "Sale €19.99 via tiktok, video Winter haul, commission €2.00");
    auto const standard = boost::json::parse(webhook_body(sale, "standard", "https://ll.example", "en"));
    EXPECT_EQ(standard.at("type").as_string(), "sale.created");
    EXPECT_EQ(standard.at("timestamp").as_string(), "2026-11-25T18:00:00.000Z");
    EXPECT_EQ(standard.at("data").at("amount_minor").as_int64(), 1999);
}

TEST(webhook_formats, a_link_gets_its_short_url)
{
    outgoing_event const link{"link.created", "2026-11-25T18:00:00.000Z",
                              R"({"id":7,"slug":"haul","target_url":"https://shop.example/p"})", "{}"};
    auto const standard = boost::json::parse(webhook_body(link, "standard", "https://ll.example", "en"));
    EXPECT_EQ(standard.at("data").at("short_url").as_string(), "https://ll.example/haul");
    EXPECT_EQ(chat_message(link, "https://ll.example", "en"), "Link created: https://ll.example/haul → https://shop.example/p");
    outgoing_event const updated{"sale.updated", "2026-11-25T18:00:00.000Z",
                                 R"({"amount_minor":500,"currency":"USD","status":"approved","previous_status":"pending"})", "{}"};
    EXPECT_EQ(chat_message(updated, "", "en"), "Sale $5.00 moved from pending to approved");
    outgoing_event const refunded{"sale.updated", "2026-11-25T18:00:00.000Z",
                                  R"({"amount_minor":6000,"commission_minor":600,"currency":"EUR","status":"approved",)"
                                  R"("previous_status":"approved","previous_amount_minor":10000,"previous_commission_minor":1000})",
                                  "{}"};
    EXPECT_EQ(chat_message(refunded, "", "en"), "Sale changed from €100.00 to €60.00, commission €6.00");
    outgoing_event const found{"sale.updated", "2026-11-25T18:00:00.000Z",
                               R"({"amount_minor":6000,"commission_minor":600,"currency":"EUR","status":"approved",)"
                               R"("source":"tiktok","previous_status":"approved","previous_amount_minor":6000,)"
                               R"("previous_commission_minor":600,"previous_source":"unattributed"})",
                               R"({"video_title":"Winter haul"})"};
    EXPECT_EQ(chat_message(found, "", "en"), "Sale reattributed: €60.00 via tiktok, video Winter haul, commission €6.00");
    EXPECT_EQ(chat_message(found, "", "fr"),
              "Vente réattribuée : 60,00\u00a0€ via tiktok, vidéo Winter haul, commission 6,00\u00a0€");
    outgoing_event const given_up{"sale.updated", "2026-11-25T18:00:00.000Z",
                                  R"({"amount_minor":6000,"commission_minor":600,"currency":"EUR","status":"approved",)"
                                  R"("source":"unattributed","attribution":"none","previous_status":"approved",)"
                                  R"("previous_amount_minor":6000,"previous_commission_minor":600,"previous_attribution":"pending"})",
                                  "{}"};
    EXPECT_EQ(chat_message(given_up, "", "en"), "Sale left unattributed: €60.00, commission €6.00");
}

// A sale booked when its postback arrived, dated by the network's report (migration 0026): said
// with both times, not as "reattributed" (its money and where it came from may be the same).
TEST(webhook_formats, a_sale_given_its_real_time_says_both_times)
{
    outgoing_event const redated{"sale.updated", "2026-12-01T00:30:00.000Z",
                                 R"({"amount_minor":13,"commission_minor":1,"currency":"EUR","status":"approved",)"
                                 R"("source":"unattributed","occurred_at":"2026-11-20T10:00:00Z",)"
                                 R"("previous_status":"approved","previous_amount_minor":13,"previous_commission_minor":1,)"
                                 R"("previous_source":"unattributed","previous_occurred_at":"2026-12-01T00:10:00Z"})",
                                 "{}"};
    EXPECT_EQ(chat_message(redated, "", "en"),
              "Sale date corrected: 2026-11-20 10:00 UTC (was 2026-12-01 00:10 UTC), €0.13, commission €0.01");
    EXPECT_EQ(chat_message(redated, "", "fr"),
              "Date de vente corrigée : 2026-11-20 10:00 UTC (au lieu de 2026-12-01 00:10 UTC), 0,13\u00a0€, "
              "commission 0,01\u00a0€");
    // The same time: where it came from changed, nothing else.
    outgoing_event const found{"sale.updated", "2026-12-01T00:30:00.000Z",
                               R"({"amount_minor":13,"commission_minor":1,"currency":"EUR","status":"approved",)"
                               R"("source":"tiktok","occurred_at":"2026-11-20T10:00:00Z","previous_status":"approved",)"
                               R"("previous_amount_minor":13,"previous_commission_minor":1,"previous_source":"unattributed",)"
                               R"("previous_occurred_at":"2026-11-20T10:00:00Z"})",
                               "{}"};
    EXPECT_EQ(chat_message(found, "", "en"), "Sale reattributed: €0.13 via tiktok, commission €0.01");
}

TEST(sender_settings, the_timeout_is_milliseconds_under_the_lease)
{
    ::unsetenv("LINKLEDGER_WEBHOOK_TIMEOUT_MS");
    EXPECT_EQ(sender_settings_from_environment("http://x").timeout, 10'000ms);
    ::setenv("LINKLEDGER_WEBHOOK_TIMEOUT_MS", "2500", 1);
    EXPECT_EQ(sender_settings_from_environment("http://x").timeout, 2'500ms);
    for (auto const* bad : {"0", "99", "30001", "2s", "-5", "1e3"}) {
        ::setenv("LINKLEDGER_WEBHOOK_TIMEOUT_MS", bad, 1);
        EXPECT_THROW(sender_settings_from_environment("http://x"), std::invalid_argument) << bad;
    }
    ::unsetenv("LINKLEDGER_WEBHOOK_TIMEOUT_MS");
}

TEST(sender_settings, the_priority_is_normal_unless_idle_is_asked_for)
{
    ::unsetenv("LINKLEDGER_WEBHOOK_PRIORITY");
    EXPECT_FALSE(sender_settings_from_environment("http://x").idle_priority);
    ::setenv("LINKLEDGER_WEBHOOK_PRIORITY", "idle", 1);
    EXPECT_TRUE(sender_settings_from_environment("http://x").idle_priority);
    ::setenv("LINKLEDGER_WEBHOOK_PRIORITY", "normal", 1);
    EXPECT_FALSE(sender_settings_from_environment("http://x").idle_priority);
    for (auto const* bad : {"IDLE", "low", "1"}) {
        ::setenv("LINKLEDGER_WEBHOOK_PRIORITY", bad, 1);
        EXPECT_THROW(sender_settings_from_environment("http://x"), std::invalid_argument) << bad;
    }
    ::unsetenv("LINKLEDGER_WEBHOOK_PRIORITY");
}
