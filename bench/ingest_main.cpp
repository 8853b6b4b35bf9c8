// Ingest benchmark: how many journaled clicks per second the real shipper moves into
// PostgreSQL (COPY, rollups, uniques, checkpoint). Run by bench/ingest.sh; not a test.
#include "clicks/click_id.hpp"
#include "clicks/click_journal.hpp"
#include "clicks/click_shipper.hpp"
#include "db/embedded_migrations.hpp"
#include "db/migrator.hpp"
#include "links/link_store.hpp"

#include <pqxx/pqxx>
#include <spdlog/spdlog.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <string>
#include <thread>

using namespace linkledger;

int main(int argc, char** argv)
{
    if (argc != 3) {
        std::fprintf(stderr, "usage: %s DATABASE_URL CLICKS\n", argv[0]);
        return 2;
    }
    std::string const url = argv[1];
    auto const total = std::stoull(argv[2]);
    spdlog::set_level(spdlog::level::warn);

    pqxx::connection conn(url);
    db::migrate(conn, db::embedded_migrations());
    std::vector<std::int64_t> links;
    {
        pqxx::work tx(conn);
        for (int i = 0; i < 20; ++i) {
            links::new_link link;
            link.slug = "ingest-" + std::to_string(i) + "-" + clicks::new_click_id().substr(20);
            link.target_url = "https://shop.example/p?c={click_id}";
            links.push_back(links::insert_link(tx, link).id);
        }
        tx.commit();
    }

    char pattern[] = "/tmp/ll-ingest-XXXXXX";
    std::filesystem::path const dir = ::mkdtemp(pattern);
    clicks::click_journal journal(dir / "journal");
    char const* const agents[] = {
        "Mozilla/5.0 (iPhone; CPU iPhone OS 17_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148 musical_ly_32.5.0 BytedanceWebview/d8a21c6",
        "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0 Mobile Safari/537.36 Instagram 307.0.0.34.111 Android",
        "facebookexternalhit/1.1 (+http://www.facebook.com/externalhit_uatext.php)"};
    auto const started_writing = std::chrono::steady_clock::now();
    for (std::uint64_t i = 0; i < total; ++i) {
        clicks::click c;
        c.click_id = clicks::new_click_id();
        c.link_id = links[i % links.size()];
        c.at = std::chrono::system_clock::now();
        c.ip_anon = "203.0." + std::to_string((i / 7) % 256) + ".0";
        c.user_agent = agents[i % 3];
        c.source = i % 3 == 1 ? "instagram" : "tiktok";
        c.in_app = c.source;
        c.device = "mobile";
        c.os = "ios";
        c.country = i % 5 == 0 ? "BE" : "FR";
        c.bot = i % 3 == 2;
        c.bot_reason = c.bot ? "facebook link preview" : "";
        journal.append(c);
    }
    auto const journal_seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - started_writing).count();

    clicks::click_shipper shipper(journal, url, "bench-" + clicks::new_click_id().substr(16));
    auto const started = std::chrono::steady_clock::now();
    shipper.start();
    while (shipper.status().shipped < total)
        std::this_thread::sleep_for(std::chrono::milliseconds(5));
    auto const seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    shipper.stop(false, std::chrono::seconds(0));

    pqxx::work tx(conn);
    auto const stored = tx.exec("SELECT count(*) FROM clicks WHERE link_id = ANY('{" + [&] {
        std::string ids;
        for (auto id : links)
            ids += (ids.empty() ? "" : ",") + std::to_string(id);
        return ids;
    }() + "}'::bigint[])")[0][0].as<std::uint64_t>();
    std::filesystem::remove_all(dir);

    std::printf("journal appends: %llu clicks in %.2f s = %.0f clicks/s (one write() each)\n",
                static_cast<unsigned long long>(total), journal_seconds, total / journal_seconds);
    std::printf("shipped: %llu clicks in %.2f s = %.0f clicks/s into PostgreSQL\n",
                static_cast<unsigned long long>(total), seconds, total / seconds);
    std::printf("rows in clicks: %llu (%s)\n", static_cast<unsigned long long>(stored),
                stored == total ? "all shipped once" : "MISMATCH");
    return stored == total ? 0 : 1;
}
