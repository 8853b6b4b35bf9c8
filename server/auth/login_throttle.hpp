// Slows password guessing: after repeated failed logins for one account, or from one IP
// address, further attempts are refused for a while (429 with Retry-After), the pause
// doubling with each failure. The counts live in PostgreSQL (login_failures, migration 0010),
// so every instance behind a load balancer enforces one throttle and a restart forgets
// nothing; PostgreSQL's clock is the only one that counts.
#pragma once

#include <pqxx/transaction_base>

#include <chrono>
#include <string>

namespace linkledger::auth {

class login_throttle {
public:
    struct limits {
        int free_failures = 5;          // failures allowed before any pause
        std::chrono::seconds first_pause{30};
        std::chrono::seconds longest_pause{15 * 60};
        std::chrono::seconds forget_after{60 * 60}; // quiet for this long: the count resets
    };

    login_throttle() = default;
    explicit login_throttle(limits l) : limits_(l) {}

    // The rule itself: seconds left to wait after `failures` failures, the last one `since`
    // ago (rounded up, so a client that waits exactly that long is let in).
    std::chrono::seconds retry_after(int failures, std::chrono::milliseconds since) const;

    // Holds `key`'s count until `tx` ends: attempts on one key at once are checked and counted
    // one after the other, so N guesses sent together count N before any is let through.
    static void lock(pqxx::transaction_base& tx, std::string const& key);
    // Seconds `key` must wait before it may try again; 0 when it may try now.
    std::chrono::seconds retry_after(pqxx::transaction_base& tx, std::string const& key) const;
    // Counts an attempt as failed (an account's when let through, before the password is
    // checked; record_success forgets it when the password was right).
    void record_failure(pqxx::transaction_base& tx, std::string const& key) const;
    void record_success(pqxx::transaction_base& tx, std::string const& key) const;

private:
    std::chrono::seconds pause_for(int failures) const;

    limits limits_;
};

} // namespace linkledger::auth
