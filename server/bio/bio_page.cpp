#include "bio/bio_page.hpp"

#include "http/response.hpp"

#include <cctype>
#include <cstdlib>

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

std::string_view visitor_language(std::string_view accept_language)
{
    // Entries look like "fr-FR", "en;q=0.8" or "*;q=0.1". Unparsable q-values count as 1.
    double best_fr = -1, best_en = -1;
    int order = 0, first_fr = -1, first_en = -1;
    while (!accept_language.empty()) {
        auto const comma = accept_language.find(',');
        auto entry = accept_language.substr(0, comma);
        accept_language = comma == std::string_view::npos ? std::string_view{} : accept_language.substr(comma + 1);
        while (!entry.empty() && entry.front() == ' ')
            entry.remove_prefix(1);
        auto const semicolon = entry.find(';');
        auto const tag = entry.substr(0, semicolon);
        double q = 1;
        if (semicolon != std::string_view::npos) {
            auto const at = entry.find("q=", semicolon);
            if (at != std::string_view::npos) {
                std::string const text(entry.substr(at + 2, 5));
                q = std::strtod(text.c_str(), nullptr);
            }
        }
        auto const primary = tag.substr(0, tag.find('-'));
        auto const is = [&primary](char const* want) {
            return primary.size() == 2 && std::tolower(static_cast<unsigned char>(primary[0])) == want[0] &&
                   std::tolower(static_cast<unsigned char>(primary[1])) == want[1];
        };
        if (is("fr") && first_fr < 0 && q > 0) {
            best_fr = q;
            first_fr = order;
        } else if (is("en") && first_en < 0 && q > 0) {
            best_en = q;
            first_en = order;
        }
        ++order;
    }
    if (first_fr < 0)
        return "en";
    if (first_en < 0 || best_fr > best_en || (best_fr == best_en && first_fr < first_en))
        return "fr";
    return "en";
}

std::string render_missing_bio_page(std::string_view language, std::string_view stylesheet)
{
    bool const en = language == "en";
    std::string page = "<!doctype html><html lang=\"";
    page += en ? "en" : "fr";
    page += "\"><head><meta charset=\"utf-8\">"
            "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
            "<meta name=\"robots\" content=\"noindex\"><title>";
    page += en ? "Page not found" : "Page introuvable";
    page += "</title><style>";
    page += stylesheet;
    page += "</style></head><body><main class=\"bio\"><header><h1>";
    page += en ? "Page not found" : "Page introuvable";
    page += "</h1></header><p class=\"empty\">";
    page += en ? "This page does not exist. Check the address in the bio you came from."
               : "Cette page n\u2019existe pas. V\u00e9rifiez l\u2019adresse dans la bio d\u2019o\u00f9 vous venez.";
    page += "</p></main></body></html>\n";
    return page;
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
        page += "</a>";
        if (!card.codes.empty()) {
            auto label = disclosure_label(card.disclosure, p.language);
            if (label.empty())
                label = disclosure_label("ad", p.language);
            page += "<p class=\"codes\">";
            page += en ? "Promo code" : "Code promo";
            for (auto const& code : card.codes) {
                page += " <strong class=\"code\">";
                page += html_escape(code);
                page += "</strong>";
            }
            page += " <span class=\"disclosure\">";
            page += label;
            page += "</span></p>";
        }
        page += "</li>";
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
