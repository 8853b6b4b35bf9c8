// The in-app browser escape page (issue 14, open_in_browser "auto"): served instead of the
// 302 to a follower inside TikTok's, Instagram's, Facebook's ... webview, where they are not
// logged in to the shop. One large button opens the target in the phone's browser by the
// means that app is known to honour; "Continue here" always stays. No external asset, a
// strict CSP (the style and the one script allowed by hash), under 10 KB, French or English.
//
// Why each way out (README, "Escaping in-app browsers", has the table and its date):
// - Android, any app: an intent:// URL without package= opens the default browser (Chrome's
//   "Android Intents with Chrome"); webviews ignore S.browser_fallback_url, so "Continue
//   here" stays visible.
// - iOS Instagram / Threads: instagram://extbrowser/?url= and barcelona://extbrowser/?url=.
// - iOS Facebook, LinkedIn: x-safari-https:// (iOS 17+ opens Safari).
// - TikTok, Snapchat, X and others on iOS: nothing dependable; "Copy link" (the only script)
//   and one line saying where the app's own "open in browser" menu is.
// The page never redirects by itself: Chrome blocks app launches without a user gesture, and
// a timer would take the visitor somewhere they did not choose.
#pragma once

#include "http/types.hpp"

#include <string>
#include <string_view>

namespace linkledger::links {

enum class escape_kind { android_intent, instagram, threads, safari, copy_link };

// How the page offers a way out for this app and system (classifier names).
escape_kind escape_for(std::string_view in_app, std::string_view os);

// The button's href for `location` (an absolute http(s) URL); empty for copy_link.
std::string escape_href(escape_kind kind, std::string_view location);

// The whole page: 200, text/html, its own Content-Security-Policy, no-store.
http::response escape_page(std::string_view location, std::string_view in_app, std::string_view os,
                           bool french);

// The page's Content-Security-Policy (hashes of its inline style and script).
std::string const& escape_page_csp();

} // namespace linkledger::links
