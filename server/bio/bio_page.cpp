#include "bio/bio_page.hpp"

#include "http/response.hpp"

namespace linkledger::bio {

std::string_view disclosure_label(std::string_view disclosure, std::string_view language)
{
    bool const en = language == "en";
    if (disclosure == "ad")
        return en ? "Advertisement" : "Publicité";
    if (disclosure == "collaboration")
        return en ? "Paid partnership" : "Collaboration commerciale";
    if (disclosure == "affiliate")
        return en ? "Affiliate link" : "Lien affilié";
    return {};
}

std::string render_bio_page(profile const& p, std::vector<bio_card> const& cards,
                            std::string_view public_url, std::string_view stylesheet)
{
    using http::html_escape;
    bool const en = p.language == "en";
    auto const name = html_escape(p.display_name);
    std::string page;
    page.reserve(4096 + cards.size() * 256);
    page += "<!doctype html><html lang=\"" + std::string(en ? "en" : "fr") +
            "\"><head><meta charset=\"utf-8\">"
            "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
            "<title>" + name + " (@" + html_escape(p.handle) + ")</title>"
            "<meta name=\"robots\" content=\"noindex\"><style>";
    page += stylesheet;
    page += "</style></head><body><main class=\"bio\"><header>";
    if (!p.avatar_url.empty())
        page += "<img class=\"avatar\" src=\"" + html_escape(p.avatar_url) +
                "\" alt=\"\" width=\"96\" height=\"96\">";
    page += "<h1>" + name + "</h1><p class=\"handle\">@" + html_escape(p.handle) +
            "</p></header><ul class=\"cards\">";
    for (auto const& card : cards) {
        // No target="_blank": in-app browsers handle new windows badly, and followers come
        // back with the back button.
        page += "<li><a class=\"card\" href=\"" + html_escape(public_url) + "/" +
                html_escape(card.slug) + "?utm_source=bio\"><span class=\"title\">" +
                html_escape(card.title) + "</span>";
        // Followers arrive from one video and look for "the thing from that video".
        if (!card.video_title.empty())
            page += std::string("<span class=\"seen\">") + (en ? "As seen in \u201c" : "Vu dans \u00ab\u00a0") +
                    html_escape(card.video_title) + (en ? "\u201d" : "\u00a0\u00bb") + "</span>";
        if (auto const label = disclosure_label(card.disclosure, p.language); !label.empty())
            page += "<span class=\"disclosure\">" + html_escape(label) + "</span>";
        page += "</a></li>";
    }
    page += "</ul>";
    if (cards.empty())
        page += std::string("<p class=\"empty\">") +
                (en ? "No links yet." : "Pas encore de liens.") + "</p>";
    page += "<footer><a href=\"/@" + html_escape(p.handle) + "/qr.svg\">" +
            (en ? "QR code of this page" : "QR code de cette page") +
            "</a></footer></main></body></html>\n";
    return page;
}

} // namespace linkledger::bio
