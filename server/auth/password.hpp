// Password hashing for dashboard users: scrypt (OpenSSL 3 EVP_KDF "SCRYPT") with a random
// salt per user, stored as "scrypt$N$r$p$<salt hex>$<hash hex>" and checked in constant time.
#pragma once

#include <string>
#include <string_view>

namespace linkledger::auth {

// N = 2^15, r = 8, p = 1: about 32 MiB and a few tens of milliseconds per check, the
// interactive-login figures of the scrypt paper and of OWASP's password storage sheet.
struct scrypt_params {
    unsigned long n = 1ul << 15;
    unsigned r = 8;
    unsigned p = 1;
};

std::string hash_password(std::string_view password, scrypt_params params = {});

// False for a wrong password and for a stored value that is not ours (never throws on it).
bool verify_password(std::string_view password, std::string_view stored);

// A password for someone who did not choose one: 20 base62 characters, about 119 bits.
std::string generate_password();

// Why a chosen password is refused, or empty.
std::string password_problem(std::string_view password);

} // namespace linkledger::auth
