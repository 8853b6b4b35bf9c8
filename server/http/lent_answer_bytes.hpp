// The bytes of an answer on their way to the socket, lent for one request from this thread's
// spares: a connection waiting for its next request holds none (issue 18: memory at 10,000
// idle connections), and a busy thread lends the same few again and again, so the steady state
// allocates nothing.
#pragma once

#include <string>

namespace linkledger::http {

// Empty; with a spare's capacity when this thread has one.
std::string borrow_answer_bytes();

// Kept for this thread's next answer, unless its spares are full or the bytes grew large (a
// big export's answer is not kept for the next redirect).
void return_answer_bytes(std::string bytes);

} // namespace linkledger::http
