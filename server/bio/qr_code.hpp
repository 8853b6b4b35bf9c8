// QR codes of short links and of the bio page, as SVG (crisp at any size, a few KB) and PNG
// (for apps that will not take SVG), drawn from libqrencode's module matrix.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace linkledger::bio {

// The dark/light modules of `text`'s QR code (error correction M), row by row.
struct qr_matrix {
    int size = 0;
    std::vector<bool> dark;
    bool at(int x, int y) const { return dark[static_cast<std::size_t>(y * size + x)]; }
};

qr_matrix encode_qr(std::string_view text);

// Each with the 4-module quiet zone the standard asks for.
std::string qr_svg(qr_matrix const& qr);
std::string qr_png(qr_matrix const& qr, int pixels_per_module = 8);

} // namespace linkledger::bio
