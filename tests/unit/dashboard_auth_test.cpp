// Password hashing, login throttling, the login redirect check, cookies and QR encoding.
#include "auth/login_throttle.hpp"
#include "auth/password.hpp"
#include "bio/bio_page.hpp"
#include "bio/qr_code.hpp"
#include "http/cookies.hpp"
#include "web/login_api.hpp"

#include <gtest/gtest.h>

using namespace linkledger;
using namespace std::chrono_literals;

TEST(password, hashes_verify_and_differ_by_salt)
{
    auth::scrypt_params const quick{.n = 1u << 10, .r = 8, .p = 1};
    auto const a = auth::hash_password("correct horse battery", quick);
    auto const b = auth::hash_password("correct horse battery", quick);
    EXPECT_NE(a, b) << "a fresh salt each time";
    EXPECT_TRUE(a.starts_with("scrypt$1024$8$1$"));
    EXPECT_TRUE(auth::verify_password("correct horse battery", a));
    EXPECT_FALSE(auth::verify_password("correct horse batterY", a));
    EXPECT_FALSE(auth::verify_password("", a));
    EXPECT_FALSE(auth::verify_password("x", "plain-text"));
    EXPECT_FALSE(auth::verify_password("x", "scrypt$1024$8$1$zz$00"));
    EXPECT_FALSE(auth::verify_password("x", "scrypt$99999999999$8$1$00$00"));
}

TEST(password, default_parameters_are_the_interactive_ones)
{
    auto const stored = auth::hash_password("a long enough password");
    EXPECT_TRUE(stored.starts_with("scrypt$32768$8$1$")) << stored;
    EXPECT_TRUE(auth::verify_password("a long enough password", stored));
}

TEST(password, generated_and_chosen)
{
    EXPECT_EQ(auth::generate_password().size(), 20u);
    EXPECT_NE(auth::generate_password(), auth::generate_password());
    EXPECT_FALSE(auth::password_problem("short").empty());
    EXPECT_FALSE(auth::password_problem("has a\ttab in it").empty());
    EXPECT_TRUE(auth::password_problem("ten chars!").empty());
}

// The rule (the counts themselves live in PostgreSQL: tests/integration/dashboard_auth_test.cpp).
TEST(login_throttle, pauses_double_after_the_free_failures)
{
    auth::login_throttle throttle({.free_failures = 3, .first_pause = 30s, .longest_pause = 100s,
                                   .forget_after = 3600s});
    EXPECT_EQ(throttle.retry_after(2, 0ms), 0s);
    EXPECT_EQ(throttle.retry_after(3, 0ms), 30s);
    EXPECT_EQ(throttle.retry_after(3, 29s), 1s);
    EXPECT_EQ(throttle.retry_after(3, 29'001ms), 1s) << "rounded up";
    EXPECT_EQ(throttle.retry_after(3, 30s), 0s);
    EXPECT_EQ(throttle.retry_after(4, 0ms), 60s);
    EXPECT_EQ(throttle.retry_after(5, 0ms), 100s) << "capped";
    EXPECT_EQ(throttle.retry_after(40, 0ms), 100s) << "capped, never overflowing";
}

TEST(login_throttle, a_long_quiet_period_forgets_failures)
{
    auth::login_throttle throttle({.free_failures = 2, .first_pause = 30s, .longest_pause = 1000s,
                                   .forget_after = 600s});
    EXPECT_EQ(throttle.retry_after(10, 599s), 1000s - 599s); // 30 s doubled 8 times, capped at 1000 s
    EXPECT_EQ(throttle.retry_after(10, 600s), 0s);
}

TEST(local_next, only_paths_on_this_site)
{
    EXPECT_EQ(web::local_next("/dashboard#links"), "/dashboard#links");
    EXPECT_EQ(web::local_next("/"), "/");
    for (auto const* bad : {"", "dashboard", "//evil.example", "/\\evil.example", "https://evil.example",
                            "/\\/evil", "/a b", "/a\r\nSet-Cookie: x"})
        EXPECT_EQ(web::local_next(bad), "/dashboard") << bad;
}

TEST(cookies, reads_one_cookie_among_several)
{
    http::request req{http::verb::get, "/", 11};
    req.set(http::bhttp::field::cookie, "a=1; ll_session=abc ; b=2");
    EXPECT_EQ(http::cookie(req, "ll_session"), "abc");
    EXPECT_EQ(http::cookie(req, "b"), "2");
    EXPECT_FALSE(http::cookie(req, "ll"));
    auto const set = http::set_cookie("ll_session", "v", {.secure = true, .max_age = 60s});
    EXPECT_EQ(set, "ll_session=v; Path=/; HttpOnly; SameSite=Lax; Secure; Max-Age=60");
}

TEST(qr_code, encodes_a_short_link)
{
    auto const qr = bio::encode_qr("https://go.example/lea-bio");
    EXPECT_EQ(qr.size, 25) << "26 bytes fit version 2 (25 x 25) at level M";
    // The three finder patterns: dark 7x7 squares in three corners.
    EXPECT_TRUE(qr.at(0, 0) && qr.at(6, 6) && qr.at(qr.size - 1, 0) && qr.at(0, qr.size - 1));
    EXPECT_FALSE(qr.at(7, 7));
    auto const svg = bio::qr_svg(qr);
    EXPECT_NE(svg.find("viewBox=\"0 0 33 33\""), std::string::npos);
    auto const png = bio::qr_png(qr, 4);
    EXPECT_EQ(png.substr(0, 8), std::string("\x89PNG\r\n\x1a\n", 8));
    // IHDR width and height: (25 + 8) * 4 = 132 pixels.
    EXPECT_EQ(static_cast<unsigned char>(png[19]), 132);
    EXPECT_EQ(static_cast<unsigned char>(png[23]), 132);
}

TEST(bio_page, disclosure_labels_in_both_languages)
{
    EXPECT_EQ(bio::disclosure_label("ad", "fr"), "Publicité");
    EXPECT_EQ(bio::disclosure_label("collaboration", "fr"), "Collaboration commerciale");
    EXPECT_EQ(bio::disclosure_label("affiliate", "fr"), "Lien affilié");
    EXPECT_EQ(bio::disclosure_label("ad", "en"), "Advertisement");
    EXPECT_EQ(bio::disclosure_label("", "fr"), "");
}
