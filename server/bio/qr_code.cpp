#include "bio/qr_code.hpp"

#include <png.h>
#include <qrencode.h>

#include <memory>
#include <stdexcept>

namespace linkledger::bio {
namespace {

constexpr int k_quiet_zone = 4;

void append_to_string(png_structp png, png_bytep data, png_size_t length)
{
    auto* out = static_cast<std::string*>(png_get_io_ptr(png));
    out->append(reinterpret_cast<char const*>(data), length);
}

void no_flush(png_structp) {}

} // namespace

qr_matrix encode_qr(std::string_view text)
{
    std::string const input(text);
    std::unique_ptr<QRcode, decltype(&QRcode_free)> code(
        QRcode_encodeString8bit(input.c_str(), 0, QR_ECLEVEL_M), &QRcode_free);
    if (!code)
        throw std::runtime_error("the text is too long for a QR code");
    qr_matrix out;
    out.size = code->width;
    out.dark.resize(static_cast<std::size_t>(code->width * code->width));
    for (std::size_t i = 0; i < out.dark.size(); ++i)
        out.dark[i] = (code->data[i] & 1) != 0; // bit 0: dark module
    return out;
}

std::string qr_svg(qr_matrix const& qr)
{
    int const full = qr.size + 2 * k_quiet_zone;
    std::string const side = std::to_string(full);
    std::string svg = "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 " + side + " " + side +
                      "\" shape-rendering=\"crispEdges\"><rect width=\"" + side + "\" height=\"" +
                      side + "\" fill=\"#fff\"/><path fill=\"#000\" d=\"";
    // One horizontal run of dark modules per path command keeps the file small.
    for (int y = 0; y < qr.size; ++y) {
        for (int x = 0; x < qr.size;) {
            if (!qr.at(x, y)) {
                ++x;
                continue;
            }
            int run = 1;
            while (x + run < qr.size && qr.at(x + run, y))
                ++run;
            // Appended piece by piece: g++ 12's -Wrestrict misfires on "M" + std::string at -O2.
            svg += 'M';
            svg += std::to_string(x + k_quiet_zone);
            svg += ' ';
            svg += std::to_string(y + k_quiet_zone);
            svg += 'h';
            svg += std::to_string(run);
            svg += "v1h-";
            svg += std::to_string(run);
            svg += 'z';
            x += run;
        }
    }
    svg += "\"/></svg>\n";
    return svg;
}

std::string qr_png(qr_matrix const& qr, int pixels_per_module)
{
    int const full = (qr.size + 2 * k_quiet_zone) * pixels_per_module;
    png_structp png = png_create_write_struct(PNG_LIBPNG_VER_STRING, nullptr, nullptr, nullptr);
    png_infop info = png ? png_create_info_struct(png) : nullptr;
    if (!png || !info) {
        png_destroy_write_struct(&png, &info);
        throw std::runtime_error("libpng could not start");
    }
    std::string out;
    std::vector<png_byte> row(static_cast<std::size_t>((full + 7) / 8));
    // libpng reports errors by longjmp: nothing with a destructor may be created below.
    if (setjmp(png_jmpbuf(png))) {
        png_destroy_write_struct(&png, &info);
        throw std::runtime_error("libpng failed to write the QR code");
    }
    png_set_write_fn(png, &out, append_to_string, no_flush);
    // One bit per pixel, grey: a 1-bit PNG of a QR code is a few hundred bytes.
    png_set_IHDR(png, info, static_cast<png_uint_32>(full), static_cast<png_uint_32>(full), 1,
                 PNG_COLOR_TYPE_GRAY, PNG_INTERLACE_NONE, PNG_COMPRESSION_TYPE_DEFAULT,
                 PNG_FILTER_TYPE_DEFAULT);
    png_write_info(png, info);
    for (int py = 0; py < full; ++py) {
        int const y = py / pixels_per_module - k_quiet_zone;
        for (int px = 0; px < full; ++px) {
            int const x = px / pixels_per_module - k_quiet_zone;
            bool const dark = x >= 0 && y >= 0 && x < qr.size && y < qr.size && qr.at(x, y);
            auto& byte = row[static_cast<std::size_t>(px / 8)];
            auto const bit = static_cast<png_byte>(0x80 >> (px % 8));
            byte = dark ? static_cast<png_byte>(byte & ~bit) : static_cast<png_byte>(byte | bit);
        }
        png_write_row(png, row.data());
    }
    png_write_end(png, nullptr);
    png_destroy_write_struct(&png, &info);
    return out;
}

} // namespace linkledger::bio
