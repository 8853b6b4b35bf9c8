// A webhook suite's own server instance and loopback receiver, started once for the suite:
// each test finds every endpoint switched off and the receiver's log empty. Suite names its
// label (k_label) and its environment (env()).
#pragma once

#include "instance.hpp"
#include "webhook_receiver.hpp"

#include <gtest/gtest.h>

#include <string>

namespace linkledger::testing {

template <class Suite>
class webhook_suite_test : public ::testing::Test {
protected:
    static void SetUpTestSuite()
    {
        try {
            receiver = new webhook_receiver();
            ll = new instance(Suite::k_label, Suite::env());
        } catch (std::exception const& e) {
            start_error = e.what();
        }
    }
    static void TearDownTestSuite()
    {
        delete ll;
        delete receiver;
        ll = nullptr;
        receiver = nullptr;
    }
    void SetUp() override
    {
        ASSERT_NE(ll, nullptr) << "did not start: " << start_error;
        // Each test has its endpoints to itself.
        // In id order, as the sender locks them: in table order it could deadlock with a sender
        // still writing for the test before.
        ll->db().execute("UPDATE webhook_endpoints SET active = false WHERE id IN "
                         "(SELECT id FROM webhook_endpoints ORDER BY id FOR NO KEY UPDATE)");
        receiver->clear();
    }
    static inline instance* ll = nullptr;
    static inline webhook_receiver* receiver = nullptr;
    static inline std::string start_error;
};

} // namespace linkledger::testing
