#include "links/escape_page.hpp"

#include "crypto/digest.hpp"
#include "http/response.hpp"

namespace linkledger::links {
namespace {

// Both are part of the CSP by their hash: change one and the policy follows by itself.
constexpr std::string_view k_style =
    "body{font:17px/1.45 system-ui,-apple-system,sans-serif;margin:0;padding:32px 20px;"
    "background:#fafafa;color:#111;text-align:center}main{max-width:420px;margin:0 auto}"
    "h1{font-size:21px;margin:0 0 10px}p{margin:0 0 18px;color:#444}"
    ".go{display:block;padding:17px 12px;border-radius:12px;background:#111;color:#fff;"
    "font-size:19px;font-weight:600;text-decoration:none;border:0;width:100%;cursor:pointer}"
    "input{width:100%;box-sizing:border-box;padding:11px;margin:14px 0 6px;font-size:15px;"
    "border:1px solid #bbb;border-radius:8px;background:#fff;color:#111}"
    ".here{display:inline-block;margin-top:26px;color:#333;font-size:16px}"
    ".note{font-size:15px;color:#555;margin-top:12px}";

// The only script: copying the link. Everything else works without JavaScript.
constexpr std::string_view k_script =
    "(function(){var b=document.getElementById('copy'),f=document.getElementById('url'),"
    "ok=document.getElementById('copied'),no=document.getElementById('manual');if(!b||!f)return;"
    "b.addEventListener('click',function(){f.focus();f.select();"
    "var done=function(){ok.hidden=false;no.hidden=true},fail=function(){f.focus();f.select();no.hidden=false};"
    "if(navigator.clipboard&&navigator.clipboard.writeText){navigator.clipboard.writeText(f.value).then(done,fail)}"
    "else{try{document.execCommand('copy')?done():fail()}catch(e){fail()}}})})();";

struct words {
    std::string_view lang, title, lead, open, cont, copy, copied, manual, copy_lead;
};

constexpr words k_english{"en",
                          "Open in your browser",
                          "You are in an app's built-in browser. The shop works best in your own browser, where you are already signed in.",
                          "Open in your browser",
                          "Continue here",
                          "Copy link",
                          "Link copied: paste it in your browser.",
                          "Copying was refused: select the link above and copy it.",
                          "Copy the link and paste it in your browser, or:"};
constexpr words k_french{"fr",
                         "Ouvrir dans votre navigateur",
                         "Vous êtes dans le navigateur intégré d'une application. La boutique fonctionne mieux dans votre navigateur, où vous êtes déjà connecté.",
                         "Ouvrir dans votre navigateur",
                         "Continuer ici",
                         "Copier le lien",
                         "Lien copié : collez-le dans votre navigateur.",
                         "La copie a été refusée : sélectionnez le lien ci-dessus et copiez-le.",
                         "Copiez le lien et collez-le dans votre navigateur, ou :"};

// Where the app's own menu is; worded loosely where apps move it between versions.
std::string_view menu_hint(std::string_view in_app, bool french)
{
    if (in_app == "tiktok")
        return french ? "Dans TikTok : touchez ••• en haut à droite, puis « Ouvrir dans le navigateur »."
                      : "In TikTok: tap ••• at the top right, then “Open in browser”.";
    if (in_app == "snapchat")
        return french ? "Dans Snapchat : touchez ⋮ ou ••• en haut de la page, puis « Ouvrir dans le navigateur »."
                      : "In Snapchat: tap ⋮ or ••• at the top of the page, then “Open in browser”.";
    if (in_app == "x")
        return french ? "Dans X : touchez l'icône de partage ou ••• , puis « Ouvrir dans le navigateur »."
                      : "In X: tap the share icon or •••, then “Open in browser”.";
    return french ? "Ou ouvrez le menu de cette page (••• ou ⋮) et choisissez « Ouvrir dans le navigateur »."
                  : "Or open this page's menu (••• or ⋮) and choose “Open in browser”.";
}

void percent_encode_all(std::string& out, std::string_view value)
{
    static constexpr char k_hex[] = "0123456789ABCDEF";
    for (char const ch : value) {
        auto const c = static_cast<unsigned char>(ch);
        if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '.' ||
            c == '_' || c == '~') {
            out.push_back(ch);
        } else {
            out.push_back('%');
            out.push_back(k_hex[c >> 4]);
            out.push_back(k_hex[c & 15]);
        }
    }
}

} // namespace

escape_kind escape_for(std::string_view in_app, std::string_view os)
{
    if (os == "android")
        return escape_kind::android_intent;
    if (os == "ios") {
        if (in_app == "instagram")
            return escape_kind::instagram;
        if (in_app == "threads")
            return escape_kind::threads;
        if (in_app == "facebook" || in_app == "linkedin")
            return escape_kind::safari;
    }
    return escape_kind::copy_link;
}

std::string escape_href(escape_kind kind, std::string_view location)
{
    std::string out;
    switch (kind) {
    case escape_kind::android_intent: {
        // intent://HOST/PATH?QUERY#Intent;scheme=https;S.browser_fallback_url=...;end. The
        // intent's own fragment holds its extras, so the target's #fragment only travels in
        // the fallback URL.
        auto const colon = location.find("://");
        auto const scheme = colon == std::string_view::npos ? std::string_view("https") : location.substr(0, colon);
        auto rest = colon == std::string_view::npos ? location : location.substr(colon + 3);
        rest = rest.substr(0, rest.find('#'));
        out.append("intent://").append(rest).append("#Intent;scheme=").append(scheme);
        out.append(";S.browser_fallback_url=");
        percent_encode_all(out, location);
        out.append(";end");
        break;
    }
    case escape_kind::instagram:
        out = "instagram://extbrowser/?url=";
        percent_encode_all(out, location);
        break;
    case escape_kind::threads:
        out = "barcelona://extbrowser/?url=";
        percent_encode_all(out, location);
        break;
    case escape_kind::safari:
        out.append("x-safari-").append(location);
        break;
    case escape_kind::copy_link:
        break;
    }
    return out;
}

std::string const& escape_page_csp()
{
    static std::string const policy = [] {
        auto const hash = [](std::string_view content) {
            auto const digest = crypto::sha256(content);
            std::string out = "'sha256-";
            out += crypto::base64({reinterpret_cast<char const*>(digest.data()), digest.size()});
            out += '\'';
            return out;
        };
        std::string p = "default-src 'none'; style-src ";
        p += hash(k_style);
        p += "; script-src ";
        p += hash(k_script);
        p += "; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";
        return p;
    }();
    return policy;
}

http::response escape_page(std::string_view location, std::string_view in_app, std::string_view os, bool french)
{
    auto const& w = french ? k_french : k_english;
    auto const kind = escape_for(in_app, os);
    auto const url = http::html_escape(location);
    std::string page;
    page.reserve(3000 + 3 * location.size());
    page.append("<!doctype html><html lang=\"").append(w.lang).append("\"><head><meta charset=\"utf-8\">");
    page.append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">");
    page.append("<meta name=\"referrer\" content=\"strict-origin-when-cross-origin\">");
    page.append("<title>").append(w.title).append("</title><style>").append(k_style).append("</style></head><body><main>");
    page.append("<h1>").append(w.title).append("</h1>");
    if (kind == escape_kind::copy_link) {
        page.append("<p>").append(w.copy_lead).append("</p>");
        page.append("<input id=\"url\" type=\"text\" readonly value=\"").append(url).append("\" aria-label=\"URL\">");
        page.append("<button id=\"copy\" class=\"go\" type=\"button\">").append(w.copy).append("</button>");
        page.append("<p id=\"copied\" class=\"note\" role=\"status\" hidden>").append(w.copied).append("</p>");
        page.append("<p id=\"manual\" class=\"note\" hidden>").append(w.manual).append("</p>");
        page.append("<p class=\"note\">").append(menu_hint(in_app, french)).append("</p>");
    } else {
        page.append("<p>").append(w.lead).append("</p>");
        page.append("<a id=\"open\" class=\"go\" href=\"")
            .append(http::html_escape(escape_href(kind, location)))
            .append("\">")
            .append(w.open)
            .append("</a>");
    }
    page.append("<a id=\"continue\" class=\"here\" href=\"").append(url).append("\">").append(w.cont).append(" →</a>");
    page.append("</main>");
    if (kind == escape_kind::copy_link)
        page.append("<script>").append(k_script).append("</script>");
    page.append("</body></html>\n");

    auto res = http::html_response(http::status::ok, std::move(page));
    res.set("Content-Security-Policy", escape_page_csp());
    res.set(http::bhttp::field::cache_control, "no-store");
    res.set("Referrer-Policy", "strict-origin-when-cross-origin");
    res.set("X-Frame-Options", "DENY");
    res.set("X-Content-Type-Options", "nosniff");
    return res;
}

} // namespace linkledger::links
