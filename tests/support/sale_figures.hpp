// What the money tests read back after each door: a sale's figures as the database holds them,
// and an offer's row of the revenue report, as short strings an expectation compares whole.
#pragma once

#include "instance.hpp"

#include <boost/json/serialize.hpp>
#include <boost/json/value.hpp>
#include <gtest/gtest.h>

#include <string>

namespace linkledger::testing {

// "amount/commission/status" of the offer's sale `txid`.
inline std::string booked_sale(instance& ll, std::string const& offer_id, std::string const& txid)
{
    return ll.db().query_value("SELECT amount_minor || '/' || commission_minor || '/' || status FROM conversions "
                               "WHERE offer_id = " + offer_id + " AND txid = '" + txid + "'");
}

// The offer's row of the revenue report over every date (the default period, the last 30 days,
// hangs on the day the test runs, and a sale dated by its shop order leaves it), as
// "conversions revenue commission" and, with `approved`, " approved_commission"; "none counted"
// when it has no row (no sale counted and no click).
inline std::string revenue_row(instance& ll, std::string const& offer_id, bool approved = false)
{
    auto const reply = ll.api("GET", "/api/v1/reports/revenue?group_by=offer&from=2000-01-01&to=2100-01-01");
    EXPECT_EQ(reply.status, 200) << reply.body;
    auto const report = reply.json();
    for (auto const& row : report.at("rows").as_array())
        if (row.at("key") == boost::json::value(offer_id)) {
            auto out = boost::json::serialize(row.at("conversions")) + " " +
                       boost::json::serialize(row.at("revenue_minor")) + " " +
                       boost::json::serialize(row.at("commission_minor"));
            if (approved)
                out += " " + boost::json::serialize(row.at("approved_commission_minor"));
            return out;
        }
    return "none counted";
}

} // namespace linkledger::testing
