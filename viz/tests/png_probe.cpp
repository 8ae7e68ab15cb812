// png_probe PNG X Y R G B [TOLERANCE]: exit 0 when the pixel at (X, Y) (top-left origin) of
// the PNG has the colour (R, G, B) within TOLERANCE per channel (default 12), else 1; prints
// the pixel either way. The headless GUI tests use it to check real pixels of a screenshot.
#include <stb_image.h>

#include <cstdio>
#include <cstdlib>

int main(int argc, char** argv) {
  if (argc < 7) {
    std::fprintf(stderr, "usage: png_probe PNG X Y R G B [TOLERANCE]\n");
    return 2;
  }
  int w = 0, h = 0, n = 0;
  unsigned char* px = stbi_load(argv[1], &w, &h, &n, 3);
  if (!px) {
    std::fprintf(stderr, "png_probe: cannot read %s\n", argv[1]);
    return 2;
  }
  const int x = std::atoi(argv[2]), y = std::atoi(argv[3]);
  const int want[3] = {std::atoi(argv[4]), std::atoi(argv[5]), std::atoi(argv[6])};
  const int tol = argc > 7 ? std::atoi(argv[7]) : 12;
  int rc = 2;
  if (x >= 0 && y >= 0 && x < w && y < h) {
    const unsigned char* p = px + (static_cast<size_t>(y) * static_cast<size_t>(w) + x) * 3;
    rc = 0;
    for (int c = 0; c < 3; ++c)
      if (std::abs(p[c] - want[c]) > tol) rc = 1;
    std::printf("png_probe: %s (%d, %d) = %d %d %d, want %d %d %d: %s\n", argv[1], x, y, p[0], p[1],
                p[2], want[0], want[1], want[2], rc == 0 ? "match" : "DIFFERENT");
  } else {
    std::fprintf(stderr, "png_probe: (%d, %d) is outside %dx%d\n", x, y, w, h);
  }
  stbi_image_free(px);
  return rc;
}
