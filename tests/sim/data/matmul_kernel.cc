// A small compiled kernel for the memory simulator's cross-check against valgrind: `matmul_kernel naive|tiled N`
// multiplies two N x N float matrices (naive i-j-k, or 16 x 16 x 16 tiles) and prints a checksum so the work
// cannot be optimised away. Built with -O1 so loads and stores stay visible. (Not part of test_sim: .cc.)
#include <cstdio>
#include <cstdlib>
#include <cstring>

static float a[128 * 128], b[128 * 128], c[128 * 128];

int main(int argc, char** argv) {
    if (argc != 3) return 2;
    const int n = std::atoi(argv[2]);
    if (n < 1 || n > 128) return 2;
    for (int i = 0; i < n * n; ++i) {
        a[i] = float(i % 7);
        b[i] = float(i % 5);
        c[i] = 0;
    }
    if (std::strcmp(argv[1], "naive") == 0) {
        for (int i = 0; i < n; ++i)
            for (int j = 0; j < n; ++j) {
                float s = 0;
                for (int k = 0; k < n; ++k) s += a[i * n + k] * b[k * n + j];
                c[i * n + j] = s;
            }
    } else {
        const int t = 16;
        for (int i0 = 0; i0 < n; i0 += t)
            for (int k0 = 0; k0 < n; k0 += t)
                for (int j0 = 0; j0 < n; j0 += t)
                    for (int i = i0; i < i0 + t && i < n; ++i)
                        for (int k = k0; k < k0 + t && k < n; ++k) {
                            const float x = a[i * n + k];
                            for (int j = j0; j < j0 + t && j < n; ++j) c[i * n + j] += x * b[k * n + j];
                        }
    }
    double sum = 0;
    for (int i = 0; i < n * n; ++i) sum += c[i];
    std::printf("%.0f\n", sum);
    return 0;
}
