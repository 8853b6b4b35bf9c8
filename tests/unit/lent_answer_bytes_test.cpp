#include "http/lent_answer_bytes.hpp"

#include <gtest/gtest.h>

#include <thread>
#include <vector>

namespace {

using linkledger::http::borrow_answer_bytes;
using linkledger::http::return_answer_bytes;

// Each case on a thread of its own: the spares are per thread, so no other test's leave them.
template <typename F>
void on_fresh_thread(F f)
{
    std::thread(f).join();
}

TEST(LentAnswerBytes, ABorrowedSpareIsEmptyAndKeepsItsCapacity)
{
    on_fresh_thread([] {
        EXPECT_EQ(borrow_answer_bytes().capacity(), std::string().capacity());
        std::string bytes(600, 'x');
        auto const capacity = bytes.capacity();
        return_answer_bytes(std::move(bytes));
        auto const again = borrow_answer_bytes();
        EXPECT_TRUE(again.empty());
        EXPECT_EQ(again.capacity(), capacity);
        // Lent once: the thread has no other spare.
        EXPECT_EQ(borrow_answer_bytes().capacity(), std::string().capacity());
    });
}

TEST(LentAnswerBytes, LargeBytesAreNotKept)
{
    on_fresh_thread([] {
        return_answer_bytes(std::string(64 * 1024, 'x'));
        EXPECT_EQ(borrow_answer_bytes().capacity(), std::string().capacity());
    });
}

TEST(LentAnswerBytes, AThreadKeepsABoundedNumberOfSpares)
{
    on_fresh_thread([] {
        for (int i = 0; i < 1000; ++i)
            return_answer_bytes(std::string(500, 'x'));
        std::size_t kept = 0;
        while (borrow_answer_bytes().capacity() >= 500)
            ++kept;
        EXPECT_GT(kept, 0u);
        EXPECT_LT(kept, 1000u);
    });
}

TEST(LentAnswerBytes, SparesAreThisThreadsOnly)
{
    return_answer_bytes(std::string(700, 'x'));
    on_fresh_thread([] { EXPECT_EQ(borrow_answer_bytes().capacity(), std::string().capacity()); });
    EXPECT_GE(borrow_answer_bytes().capacity(), 700u);
}

} // namespace
