// The profile API, the links' bio fields, the public bio page and the QR codes, over real HTTP.
#include "instance.hpp"

#include <gtest/gtest.h>

#include <map>

using namespace linkledger::testing;

namespace {

class bio_page : public shared_instance_test<bio_page> {
public:
    static constexpr char const* k_label = "bio_page";

protected:
    static std::string field_of(http_reply const& reply)
    {
        EXPECT_EQ(reply.status, 400) << reply.body;
        return std::string(reply.json().at("error").at("field").as_string());
    }
    static http_reply put_profile(std::string const& body) { return ll->api("PUT", "/api/v1/profile", body); }
};

TEST_F(bio_page, links_carry_bio_fields_and_reject_bad_ones)
{
    auto const link = ll->create_link(
        R"({"target_url":"https://shop.example/a","bio":true,"bio_position":3,"disclosure":"collaboration"})");
    EXPECT_TRUE(link.at("bio").as_bool());
    EXPECT_EQ(link.at("bio_position").as_int64(), 3);
    EXPECT_EQ(link.at("disclosure").as_string(), "collaboration");
    auto const id = std::to_string(link.at("id").as_int64());
    auto const cleared = ll->api("PATCH", "/api/v1/links/" + id, R"({"disclosure":null,"bio":false})");
    ASSERT_EQ(cleared.status, 200) << cleared.body;
    EXPECT_TRUE(cleared.json().at("disclosure").is_null());
    EXPECT_FALSE(cleared.json().at("bio").as_bool());
    EXPECT_EQ(cleared.json().at("bio_position").as_int64(), 3);

    EXPECT_EQ(field_of(ll->api("POST", "/api/v1/links", R"({"target_url":"https://a.example","disclosure":"sponsored"})")), "disclosure");
    EXPECT_EQ(field_of(ll->api("POST", "/api/v1/links", R"({"target_url":"https://a.example","bio":"yes"})")), "bio");
    EXPECT_EQ(field_of(ll->api("POST", "/api/v1/links", R"({"target_url":"https://a.example","bio_position":-1})")), "bio_position");
    EXPECT_EQ(field_of(ll->api("PATCH", "/api/v1/links/" + id, R"({"bio_position":1.5})")), "bio_position");
}

TEST_F(bio_page, profile_validation_names_the_field)
{
    EXPECT_EQ(field_of(put_profile(R"({"handle":"a b","display_name":"A","language":"fr"})")), "handle");
    EXPECT_EQ(field_of(put_profile(R"({"handle":"ab","display_name":"","language":"fr"})")), "display_name");
    EXPECT_EQ(field_of(put_profile(R"({"handle":"ab","display_name":"A","language":"de"})")), "language");
    EXPECT_EQ(field_of(put_profile(R"x({"handle":"ab","display_name":"A","language":"fr","avatar_url":"javascript:alert(1)"})x")), "avatar_url");
    EXPECT_EQ(field_of(put_profile(R"({"handle":"ab","display_name":"A","language":"fr","theme":"dark"})")), "theme");
}

TEST_F(bio_page, the_page_lists_bio_links_in_order_with_labels_escaped_and_tracked)
{
    auto const saved = put_profile(
        R"({"handle":"Lea.Runs","display_name":"Léa <script>alert(1)</script>","language":"fr","avatar_url":"https://cdn.example/a.jpg"})");
    ASSERT_EQ(saved.status, 200) << saved.body;
    EXPECT_EQ(saved.json().at("bio_url").as_string(),
              "http://127.0.0.1:" + std::to_string(ll->port()) + "/@Lea.Runs");
    ll->create_link(R"({"target_url":"https://shop.example/2","slug":"second","title":"Second","bio":true,"bio_position":2,"disclosure":"affiliate"})");
    ll->create_link(R"({"target_url":"https://shop.example/1","slug":"first","title":"First & best","bio":true,"bio_position":1,"disclosure":"ad"})");
    ll->create_link(R"({"target_url":"https://shop.example/h","slug":"hidden","title":"Hidden"})");
    auto const gone = ll->create_link(R"({"target_url":"https://shop.example/g","slug":"gone","title":"Gone","bio":true})");
    ll->api("DELETE", "/api/v1/links/" + std::to_string(gone.at("id").as_int64()));

    auto const page = send(ll->port(), {"GET", "/@lea.runs", "", {}});
    ASSERT_EQ(page.status, 200);
    EXPECT_EQ(page.header("Content-Type"), "text/html; charset=utf-8");
    EXPECT_LT(page.body.size(), 30u * 1024);
    EXPECT_NE(page.header("Content-Security-Policy").find("default-src 'none'"), std::string::npos);
    auto const& html = page.body;
    EXPECT_EQ(html.find("<script"), std::string::npos);
    EXPECT_NE(html.find("Léa &lt;script&gt;"), std::string::npos);
    EXPECT_NE(html.find("<html lang=\"fr\">"), std::string::npos);
    auto const base = "http://127.0.0.1:" + std::to_string(ll->port());
    auto const first = html.find("href=\"" + base + "/first?utm_source=bio\"");
    auto const second = html.find("href=\"" + base + "/second?utm_source=bio\"");
    ASSERT_NE(first, std::string::npos) << html;
    ASSERT_NE(second, std::string::npos);
    EXPECT_LT(first, second);
    EXPECT_NE(html.find("First &amp; best"), std::string::npos);
    EXPECT_NE(html.find("Publicité"), std::string::npos);
    EXPECT_NE(html.find("Lien affilié"), std::string::npos);
    EXPECT_EQ(html.find("Hidden"), std::string::npos);
    EXPECT_EQ(html.find("Gone"), std::string::npos);
    EXPECT_EQ(html.find("target="), std::string::npos);

    ASSERT_EQ(put_profile(R"({"handle":"Lea.Runs","display_name":"Lea","language":"en"})").status, 200);
    auto const english = send(ll->port(), {"GET", "/@Lea.Runs", "", {}}).body;
    EXPECT_NE(english.find("Advertisement"), std::string::npos);
    EXPECT_NE(english.find("Affiliate link"), std::string::npos);
    EXPECT_EQ(english.find("Publicité"), std::string::npos);

    EXPECT_EQ(send(ll->port(), {"GET", "/@nobody", "", {}}).status, 404);
}

TEST_F(bio_page, a_bio_card_click_is_counted_with_source_bio)
{
    auto const link = ll->create_link(R"({"target_url":"https://shop.example/c","slug":"card","bio":true})");
    auto const hop = send(ll->port(), {"GET", "/card?utm_source=bio", "", {{"User-Agent", "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 Mobile/15E148"}}});
    EXPECT_EQ(hop.status, 302);
    EXPECT_EQ(ll->db().wait_for_value(
                  "SELECT count(*) FROM clicks WHERE link_id = " +
                      std::to_string(link.at("id").as_int64()) + " AND source = 'bio'",
                  "1"),
              "1");
}

TEST_F(bio_page, qr_codes_as_svg_and_png)
{
    auto const link = ll->create_link(R"({"target_url":"https://shop.example/q","slug":"qr-me"})");
    auto const id = std::to_string(link.at("id").as_int64());
    auto const svg = ll->api("GET", "/api/v1/links/" + id + "/qr.svg");
    ASSERT_EQ(svg.status, 200);
    EXPECT_EQ(svg.header("Content-Type"), "image/svg+xml");
    EXPECT_TRUE(svg.body.starts_with("<svg xmlns=\"http://www.w3.org/2000/svg\""));
    auto const png = ll->api("GET", "/api/v1/links/" + id + "/qr.png");
    ASSERT_EQ(png.status, 200);
    EXPECT_EQ(png.header("Content-Type"), "image/png");
    EXPECT_EQ(png.body.substr(0, 8), std::string("\x89PNG\r\n\x1a\n", 8));
    EXPECT_LT(png.body.size(), 4096u);
    EXPECT_EQ(send(ll->port(), {"GET", "/api/v1/links/" + id + "/qr.svg", "", {}}).status, 401);
    EXPECT_EQ(ll->api("GET", "/api/v1/links/999999/qr.svg").status, 404);

    ASSERT_EQ(put_profile(R"({"handle":"qrtest","display_name":"Q","language":"fr"})").status, 200);
    EXPECT_EQ(send(ll->port(), {"GET", "/@qrtest/qr.svg", "", {}}).status, 200);
    EXPECT_EQ(send(ll->port(), {"GET", "/@qrtest/qr.png", "", {}}).header("Content-Type"), "image/png");
}

TEST_F(bio_page, a_card_names_the_video_its_link_was_made_for)
{
    auto const video = ll->api("POST", "/api/v1/videos", R"({"title":"Morning run <vlog>","posted_at":"2026-01-10T08:00:00Z"})");
    ASSERT_EQ(video.status, 201) << video.body;
    auto const untitled = ll->api("POST", "/api/v1/videos", R"({"posted_at":"2026-01-11T08:00:00Z"})");
    ASSERT_EQ(untitled.status, 201) << untitled.body;
    ll->create_link(R"({"target_url":"https://shop.example/v","slug":"from-video","title":"Shoes","bio":true,"video_id":)" +
                    std::to_string(video.json().at("id").as_int64()) + "}");
    ll->create_link(R"({"target_url":"https://shop.example/u","slug":"untitled-video","title":"Socks","bio":true,"video_id":)" +
                    std::to_string(untitled.json().at("id").as_int64()) + "}");
    ASSERT_EQ(put_profile(R"({"handle":"seen","display_name":"Seen","language":"fr"})").status, 200);

    auto const page = send(ll->port(), {"GET", "/@seen", "", {}});
    ASSERT_EQ(page.status, 200);
    auto const& html = page.body;
    EXPECT_LT(html.size(), 30u * 1024);
    EXPECT_EQ(html.find("<script"), std::string::npos);
    // The title is inside its own card, escaped, and only titled videos get a line.
    auto const card = html.find("/from-video?utm_source=bio\"");
    auto const card_end = html.find("</a>", card);
    auto const seen = html.find("<span class=\"seen\">Vu dans \u00ab\u00a0Morning run &lt;vlog&gt;\u00a0\u00bb</span>");
    ASSERT_NE(card, std::string::npos) << html;
    ASSERT_NE(seen, std::string::npos) << html;
    EXPECT_GT(seen, card);
    EXPECT_LT(seen, card_end);
    EXPECT_EQ(html.find("class=\"seen\"", card_end), std::string::npos) << "the untitled video adds nothing";

    ASSERT_EQ(put_profile(R"({"handle":"seen","display_name":"Seen","language":"en"})").status, 200);
    auto const english = send(ll->port(), {"GET", "/@seen", "", {}}).body;
    EXPECT_NE(english.find("As seen in \u201cMorning run &lt;vlog&gt;\u201d"), std::string::npos) << english;
}

// Issue 20: a follower who reaches a handle that is not (or not yet) the creator's reads the
// 404 in their own language; the page is styled like the bio page and still carries no script.
TEST_F(bio_page, the_missing_page_speaks_the_visitors_language)
{
    auto const missing = [](std::string const& accept_language) {
        std::map<std::string, std::string> headers;
        if (!accept_language.empty())
            headers["Accept-Language"] = accept_language;
        return send(ll->port(), {"GET", "/@nobody.here", "", headers});
    };
    auto const french = missing("fr-FR,fr;q=0.9,en-US;q=0.8,en;q=0.7");
    EXPECT_EQ(french.status, 404);
    EXPECT_EQ(french.header("Content-Type"), "text/html; charset=utf-8");
    EXPECT_NE(french.body.find("<html lang=\"fr\">"), std::string::npos) << french.body;
    EXPECT_NE(french.body.find("Page introuvable"), std::string::npos);
    EXPECT_EQ(french.body.find("<script"), std::string::npos);
    EXPECT_NE(french.header("Vary").find("Accept-Language"), std::string::npos);

    auto const english = missing("en-GB,en;q=0.9,fr;q=0.5");
    EXPECT_EQ(english.status, 404);
    EXPECT_NE(english.body.find("<html lang=\"en\">"), std::string::npos);
    EXPECT_NE(english.body.find("Page not found"), std::string::npos);
    EXPECT_EQ(english.body.find("introuvable"), std::string::npos);

    // The q-values decide, not the order; a language neither French nor English gets English.
    EXPECT_NE(missing("en;q=0.4, fr;q=0.8").body.find("lang=\"fr\""), std::string::npos);
    EXPECT_NE(missing("de-DE,de;q=0.9").body.find("lang=\"en\""), std::string::npos);
    EXPECT_NE(missing("de-DE,fr-CA;q=0.7").body.find("lang=\"fr\""), std::string::npos);
    EXPECT_NE(missing("").body.find("lang=\"en\""), std::string::npos);
    // A handle that cannot exist answers the same page.
    auto const invalid = send(ll->port(), {"GET", "/@no!such", "", {{"Accept-Language", "fr"}}});
    EXPECT_EQ(invalid.status, 404);
    EXPECT_NE(invalid.body.find("Page introuvable"), std::string::npos);
}

// Issue 20: promo codes show under the card of the link they were given with (or, given with
// no link, under the card of their video's link), with a disclosure; codes followers cannot use
// (inactive, expired, not yet valid, of an inactive offer) do not.
TEST_F(bio_page, promo_codes_show_under_their_cards_with_a_disclosure)
{
    auto const offer = ll->api("POST", "/api/v1/offers", R"({"name":"Codes shop","currency":"EUR","commission":{"type":"reported"}})");
    ASSERT_EQ(offer.status, 201) << offer.body;
    auto const offer_id = std::to_string(offer.json().at("id").as_int64());
    auto const video = ll->api("POST", "/api/v1/videos", R"({"title":"Code video","posted_at":"2026-02-01T08:00:00Z"})");
    ASSERT_EQ(video.status, 201) << video.body;
    auto const video_id = std::to_string(video.json().at("id").as_int64());
    auto const with_label = ll->create_link(R"({"target_url":"https://shop.example/c1","slug":"code-card","title":"Coded","bio":true,"disclosure":"affiliate","offer_id":)" + offer_id + "}");
    auto const bare = ll->create_link(R"({"target_url":"https://shop.example/c2","slug":"code-bare","title":"Bare","bio":true,"video_id":)" + video_id + "}");
    auto const code = [&](std::string const& fields) {
        auto const made = ll->api("POST", "/api/v1/promo-codes", R"({"offer_id":)" + offer_id + "," + fields + "}");
        EXPECT_EQ(made.status, 201) << made.body;
        return std::to_string(made.json().at("id").as_int64());
    };
    code(R"("code":"CARD10","link_id":)" + std::to_string(with_label.at("id").as_int64()));
    code(R"("code":"VIDEO5","video_id":)" + video_id);
    auto const off = code(R"("code":"OFFCODE","link_id":)" + std::to_string(with_label.at("id").as_int64()));
    ASSERT_EQ(ll->api("PATCH", "/api/v1/promo-codes/" + off, R"({"active":false})").status, 200);
    code(R"("code":"OLDCODE","valid_until":"2020-01-01T00:00:00Z","link_id":)" + std::to_string(with_label.at("id").as_int64()));
    code(R"("code":"LATERCODE","valid_from":"2099-01-01T00:00:00Z","link_id":)" + std::to_string(bare.at("id").as_int64()));
    ASSERT_EQ(put_profile(R"({"handle":"codes","display_name":"Codes","language":"fr"})").status, 200);

    auto const html = send(ll->port(), {"GET", "/@codes", "", {}}).body;
    auto const card = html.find("/code-card?utm_source=bio\"");
    ASSERT_NE(card, std::string::npos) << html;
    auto const item_end = html.find("</li>", card);
    auto const card_code = html.find("<strong class=\"code\">CARD10</strong>", card);
    ASSERT_NE(card_code, std::string::npos) << html;
    EXPECT_LT(card_code, item_end);
    EXPECT_GT(card_code, html.find("</a>", card)) << "the code sits outside the link, to be selected";
    EXPECT_NE(html.substr(card, item_end - card).find("Code promo"), std::string::npos);
    EXPECT_NE(html.find("<span class=\"disclosure\">Lien affilié</span></p>", card), std::string::npos);

    // The bare link has no label of its own: its code still carries one.
    auto const bare_card = html.find("/code-bare?utm_source=bio\"");
    ASSERT_NE(bare_card, std::string::npos);
    auto const bare_end = html.find("</li>", bare_card);
    auto const bare_item = html.substr(bare_card, bare_end - bare_card);
    EXPECT_NE(bare_item.find("<strong class=\"code\">VIDEO5</strong>"), std::string::npos) << bare_item;
    EXPECT_NE(bare_item.find("<span class=\"disclosure\">Publicité</span>"), std::string::npos) << bare_item;
    for (auto const* hidden : {"OFFCODE", "OLDCODE", "LATERCODE"})
        EXPECT_EQ(html.find(hidden), std::string::npos) << hidden;

    ASSERT_EQ(put_profile(R"({"handle":"codes","display_name":"Codes","language":"en"})").status, 200);
    auto const english = send(ll->port(), {"GET", "/@codes", "", {}}).body;
    EXPECT_NE(english.find("Promo code <strong class=\"code\">CARD10</strong>"), std::string::npos) << english;
    EXPECT_NE(english.find("<span class=\"disclosure\">Advertisement</span></p>"), std::string::npos);

    // An offer switched off takes its codes off the page.
    ASSERT_EQ(ll->api("PATCH", "/api/v1/offers/" + offer_id, R"({"active":false})").status, 200);
    EXPECT_EQ(send(ll->port(), {"GET", "/@codes", "", {}}).body.find("CARD10"), std::string::npos);
}

// Issue 20: among links at the same position the newest comes first, so a link just made for
// the latest video is at the top; numbered positions (the dashboard's arrows) decide over age.
TEST_F(bio_page, a_new_link_goes_to_the_top_until_positions_say_otherwise)
{
    ll->create_link(R"({"target_url":"https://shop.example/o1","slug":"order-older","title":"Older","bio":true,"bio_position":0})");
    auto const newer = ll->create_link(R"({"target_url":"https://shop.example/o2","slug":"order-newer","title":"Newer","bio":true,"bio_position":0})");
    ASSERT_EQ(put_profile(R"({"handle":"order","display_name":"Order","language":"fr"})").status, 200);
    auto const position = [](std::string const& html, std::string const& slug) {
        return html.find("/" + slug + "?utm_source=bio\"");
    };
    auto html = send(ll->port(), {"GET", "/@order", "", {}}).body;
    ASSERT_NE(position(html, "order-older"), std::string::npos);
    EXPECT_LT(position(html, "order-newer"), position(html, "order-older"));
    ASSERT_EQ(ll->api("PATCH", "/api/v1/links/" + std::to_string(newer.at("id").as_int64()), R"({"bio_position":5})").status, 200);
    html = send(ll->port(), {"GET", "/@order", "", {}}).body;
    EXPECT_LT(position(html, "order-older"), position(html, "order-newer"));
}

// A card must lead somewhere: links not valid yet, expired or out of clicks leave the page
// (their tap would answer 404 or 410), unless they send followers to an expired_url.
TEST_F(bio_page, links_that_cannot_be_followed_are_not_on_the_page)
{
    ll->create_link(R"({"target_url":"https://shop.example/v1","slug":"valid-open","bio":true})");
    ll->create_link(R"({"target_url":"https://shop.example/v2","slug":"valid-later","bio":true,"valid_from":"2099-01-01T00:00:00Z"})");
    ll->create_link(R"({"target_url":"https://shop.example/v3","slug":"valid-over","bio":true,"valid_until":"2020-01-01T00:00:00Z"})");
    ll->create_link(R"({"target_url":"https://shop.example/v4","slug":"valid-elsewhere","bio":true,"valid_until":"2020-01-01T00:00:00Z","expired_url":"https://shop.example/sold-out"})");
    auto const budget = ll->create_link(R"({"target_url":"https://shop.example/v5","slug":"valid-budget","bio":true,"max_clicks":1})");
    ASSERT_EQ(put_profile(R"({"handle":"valid","display_name":"Valid","language":"fr"})").status, 200);
    auto const shown = [](std::string const& html, std::string const& slug) {
        return html.find("/" + slug + "?utm_source=bio\"") != std::string::npos;
    };
    auto html = send(ll->port(), {"GET", "/@valid", "", {}}).body;
    EXPECT_TRUE(shown(html, "valid-open"));
    EXPECT_FALSE(shown(html, "valid-later"));
    EXPECT_FALSE(shown(html, "valid-over"));
    EXPECT_TRUE(shown(html, "valid-elsewhere"));
    EXPECT_TRUE(shown(html, "valid-budget"));
    auto const tap = send(ll->port(), {"GET", "/valid-budget", "", {{"User-Agent", "Mozilla/5.0 (iPhone; CPU iPhone OS 17_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.1 Mobile/15E148 Safari/604.1"}}});
    ASSERT_EQ(tap.status, 302);
    ASSERT_EQ(ll->db().wait_for_value("SELECT COALESCE(sum(clicks), 0) FROM click_totals_daily WHERE link_id = " +
                                          std::to_string(budget.at("id").as_int64()),
                                      "1"),
              "1");
    html = send(ll->port(), {"GET", "/@valid", "", {}}).body;
    EXPECT_FALSE(shown(html, "valid-budget")) << "its one click is spent";
    EXPECT_TRUE(shown(html, "valid-open"));

    // The dashboard's order list has them all, each hidden one with the page's own reason, and
    // a link is marked hidden exactly when the page leaves it out.
    auto const off = ll->create_link(R"({"target_url":"https://shop.example/v6","slug":"valid-off","bio":true})");
    ASSERT_EQ(ll->api("PATCH", "/api/v1/links/" + std::to_string(off.at("id").as_int64()), R"({"active":false})").status, 200);
    html = send(ll->port(), {"GET", "/@valid", "", {}}).body;
    auto const listed = ll->api("GET", "/api/v1/profile/links");
    ASSERT_EQ(listed.status, 200) << listed.body;
    std::map<std::string, std::string> hidden;
    auto const listing = listed.json();
    for (auto const& l : listing.at("links").as_array()) {
        auto const slug = std::string(l.at("slug").as_string());
        if (!slug.starts_with("valid-"))
            continue;
        auto const& why = l.at("hidden");
        hidden[slug] = why.is_null() ? "" : std::string(why.as_string());
        EXPECT_EQ(why.is_null(), shown(html, slug)) << slug;
    }
    EXPECT_EQ(hidden, (std::map<std::string, std::string>{{"valid-open", ""},
                                                          {"valid-later", "not_yet_valid"},
                                                          {"valid-over", "expired"},
                                                          {"valid-elsewhere", ""},
                                                          {"valid-budget", "out_of_clicks"},
                                                          {"valid-off", "turned_off"}}));
}

// The page stops after 100 cards; the order list says which links that leaves out.
TEST_F(bio_page, links_past_the_hundredth_card_are_listed_as_too_many)
{
    for (int i = 0; i < 101; ++i)
        ll->create_link(R"({"target_url":"https://shop.example/m","slug":"many-)" + std::to_string(i) +
                        R"(","bio":true,"bio_position":)" + std::to_string(900000 + i) + "}");
    ASSERT_EQ(put_profile(R"({"handle":"many","display_name":"Many","language":"en"})").status, 200);
    auto const html = send(ll->port(), {"GET", "/@many", "", {}}).body;
    auto const listed = ll->api("GET", "/api/v1/profile/links");
    ASSERT_EQ(listed.status, 200) << listed.body;
    auto const listing = listed.json();
    auto const& links = listing.at("links").as_array();
    ASSERT_FALSE(links.empty());
    // The last position is the page's last: past any other test's links, the 101st shown card.
    auto const& last = links.back().as_object();
    EXPECT_EQ(last.at("slug").as_string(), "many-100");
    EXPECT_EQ(last.at("hidden").as_string(), "too_many");
    EXPECT_EQ(html.find("/many-100?utm_source=bio\""), std::string::npos);
}

TEST_F(bio_page, the_page_can_be_taken_down_and_put_back)
{
    ASSERT_EQ(put_profile(R"({"handle":"down.test","display_name":"Down","language":"en"})").status, 200);
    auto const link = ll->create_link(R"({"target_url":"https://shop.example/d","slug":"downcard","title":"Card","bio":true})");
    ASSERT_EQ(send(ll->port(), {"GET", "/@down.test", "", {}}).status, 200);

    auto const taken = ll->api("DELETE", "/api/v1/profile");
    ASSERT_EQ(taken.status, 204) << taken.body;
    EXPECT_EQ(send(ll->port(), {"GET", "/@down.test", "", {}}).status, 404);
    // The profile is kept (its language is the webhooks' too), marked as not published.
    auto const now = ll->api("GET", "/api/v1/profile");
    ASSERT_EQ(now.status, 200);
    EXPECT_EQ(now.json().at("handle").as_string(), "down.test") << now.body;
    EXPECT_EQ(now.json().at("display_name").as_string(), "Down");
    EXPECT_FALSE(now.json().at("published").as_bool());
    EXPECT_EQ(send(ll->port(), {"GET", "/@down.test/qr.svg", "", {}}).status, 404);
    // The links stay as they were, redirecting.
    auto const kept = ll->api("GET", "/api/v1/links/" + std::to_string(link.at("id").as_int64()));
    ASSERT_EQ(kept.status, 200);
    EXPECT_TRUE(kept.json().at("bio").as_bool());
    EXPECT_EQ(send(ll->port(), {"GET", "/downcard", "", {}}).status, 302);
    // Nothing left to take down: a 404 naming it, and no second audit entry.
    auto const again = ll->api("DELETE", "/api/v1/profile");
    EXPECT_EQ(again.status, 404) << again.body;
    auto const log = ll->api("GET", "/api/v1/audit-log?limit=50");
    ASSERT_EQ(log.status, 200);
    int deletions = 0;
    auto const entries = log.json().at("entries").as_array();
    for (auto const& e : entries)
        if (e.at("action").as_string() == "profile.delete") {
            ++deletions;
            EXPECT_NE(e.at("summary").as_string().find("handle=down.test"), std::string::npos) << e;
        }
    EXPECT_EQ(deletions, 1);

    auto const saved = put_profile(R"({"handle":"down.test","display_name":"Back","language":"en"})");
    ASSERT_EQ(saved.status, 200);
    EXPECT_TRUE(saved.json().at("published").as_bool());
    auto const back = send(ll->port(), {"GET", "/@down.test", "", {}});
    ASSERT_EQ(back.status, 200);
    EXPECT_NE(back.body.find("Back"), std::string::npos);
}

} // namespace
