// conv2d.cpp -- 2-D convolution, NHWC activations, HWIO filters, plain loops.
//
//   out[n][oh][ow][oc] = bias[oc] +
//       sum_{kh,kw,ic} in[n][oh*stride - pad + kh*dil][ow*stride - pad + kw*dil][ic]
//                      * filt[kh][kw][ic][oc]
// Input positions that fall outside the image (the zero padding) are skipped.
// Written as sequential C-style C++: a struct carries the shape, a static
// inline helper computes flat offsets, pointers are `const float* __restrict`.
// main() compares against a reference that materialises the padded input
// explicitly, so the bounds logic of the kernel is checked independently.
#include <cmath>
#include <cstddef>
#include <cstdio>

struct ConvShape {
    int batch;       // N
    int in_h, in_w;  // H, W
    int in_c;        // C
    int out_c;       // OC
    int k_h, k_w;    // filter size
    int stride, pad, dilation;
};

static inline int out_dim(int in, int k, int stride, int pad, int dil) {
    return (in + 2 * pad - dil * (k - 1) - 1) / stride + 1;
}

// Flat offset of element (a, b, c, d) of a 4-D row-major tensor [*][B][C][D].
static inline size_t offset4(int a, int b, int c, int d, int B, int C, int D) {
    return ((static_cast<size_t>(a) * B + b) * C + c) * D + d;
}

void conv2d_nhwc(const float* __restrict in, const float* __restrict filt,
                 const float* __restrict bias, float* __restrict out,
                 const ConvShape* s) {
    const int OH = out_dim(s->in_h, s->k_h, s->stride, s->pad, s->dilation);
    const int OW = out_dim(s->in_w, s->k_w, s->stride, s->pad, s->dilation);
    for (int n = 0; n < s->batch; ++n)
        for (int oh = 0; oh < OH; ++oh)
            for (int ow = 0; ow < OW; ++ow) {
                float* o = out + offset4(n, oh, ow, 0, OH, OW, s->out_c);
                for (int oc = 0; oc < s->out_c; ++oc)
                    o[oc] = bias ? bias[oc] : 0.0f;
                for (int kh = 0; kh < s->k_h; ++kh) {
                    const int ih = oh * s->stride - s->pad + kh * s->dilation;
                    if (ih < 0 || ih >= s->in_h)
                        continue;
                    for (int kw = 0; kw < s->k_w; ++kw) {
                        const int iw = ow * s->stride - s->pad + kw * s->dilation;
                        if (iw < 0 || iw >= s->in_w)
                            continue;
                        const float* x = in + offset4(n, ih, iw, 0, s->in_h, s->in_w, s->in_c);
                        const float* w = filt + offset4(kh, kw, 0, 0, s->k_w, s->in_c, s->out_c);
                        // Rank-1 update: out channels are contiguous in both o and w.
                        for (int ic = 0; ic < s->in_c; ++ic) {
                            const float xv = x[ic];
                            for (int oc = 0; oc < s->out_c; ++oc)
                                o[oc] += xv * w[ic * s->out_c + oc];
                        }
                    }
                }
            }
}

// Reference: copy into an explicitly zero-padded buffer, then convolve
// without any bounds checks, accumulating in double.
static void conv2d_ref(const float* in, const float* filt, const float* bias,
                       float* out, const ConvShape* s) {
    const int PH = s->in_h + 2 * s->pad, PW = s->in_w + 2 * s->pad;
    const int OH = out_dim(s->in_h, s->k_h, s->stride, s->pad, s->dilation);
    const int OW = out_dim(s->in_w, s->k_w, s->stride, s->pad, s->dilation);
    float* padded = new float[static_cast<size_t>(s->batch) * PH * PW * s->in_c]();
    for (int n = 0; n < s->batch; ++n)
        for (int h = 0; h < s->in_h; ++h)
            for (int w = 0; w < s->in_w; ++w)
                for (int c = 0; c < s->in_c; ++c)
                    padded[offset4(n, h + s->pad, w + s->pad, c, PH, PW, s->in_c)] =
                        in[offset4(n, h, w, c, s->in_h, s->in_w, s->in_c)];
    for (int n = 0; n < s->batch; ++n)
        for (int oh = 0; oh < OH; ++oh)
            for (int ow = 0; ow < OW; ++ow)
                for (int oc = 0; oc < s->out_c; ++oc) {
                    double acc = bias ? bias[oc] : 0.0;
                    for (int kh = 0; kh < s->k_h; ++kh)
                        for (int kw = 0; kw < s->k_w; ++kw)
                            for (int ic = 0; ic < s->in_c; ++ic)
                                acc += static_cast<double>(padded[offset4(
                                           n, oh * s->stride + kh * s->dilation,
                                           ow * s->stride + kw * s->dilation, ic, PH, PW,
                                           s->in_c)]) *
                                       filt[offset4(kh, kw, ic, oc, s->k_w, s->in_c, s->out_c)];
                    out[offset4(n, oh, ow, oc, OH, OW, s->out_c)] = static_cast<float>(acc);
                }
    delete[] padded;
}

static int run_case(const ConvShape& s) {
    const int OH = out_dim(s.in_h, s.k_h, s.stride, s.pad, s.dilation);
    const int OW = out_dim(s.in_w, s.k_w, s.stride, s.pad, s.dilation);
    const size_t n_in = static_cast<size_t>(s.batch) * s.in_h * s.in_w * s.in_c;
    const size_t n_f = static_cast<size_t>(s.k_h) * s.k_w * s.in_c * s.out_c;
    const size_t n_out = static_cast<size_t>(s.batch) * OH * OW * s.out_c;

    float* in = new float[n_in];
    float* filt = new float[n_f];
    float* bias = new float[static_cast<size_t>(s.out_c)];
    float* out = new float[n_out];
    float* ref = new float[n_out];

    for (size_t i = 0; i < n_in; ++i) in[i] = static_cast<float>(static_cast<int>(i * 31 % 17) - 8) / 8.0f;
    for (size_t i = 0; i < n_f; ++i) filt[i] = static_cast<float>(static_cast<int>(i * 7 % 13) - 6) / 16.0f;
    for (int oc = 0; oc < s.out_c; ++oc) bias[oc] = 0.25f * static_cast<float>(oc % 3) - 0.25f;

    conv2d_nhwc(in, filt, bias, out, &s);
    conv2d_ref(in, filt, bias, ref, &s);

    int bad = 0;
    const float tol = 1e-5f * static_cast<float>(s.k_h * s.k_w * s.in_c);
    for (size_t i = 0; i < n_out; ++i) {
        if (std::fabs(out[i] - ref[i]) > tol * (1.0f + std::fabs(ref[i]))) {
            if (bad < 5)
                std::fprintf(stderr, "conv out[%zu] = %g, expected %g\n", i,
                             static_cast<double>(out[i]), static_cast<double>(ref[i]));
            ++bad;
        }
    }
    delete[] in;
    delete[] filt;
    delete[] bias;
    delete[] out;
    delete[] ref;
    return bad;
}

int main() {
    //                 N  H   W   C  OC kh kw stride pad dil
    const ConvShape cases[] = {{2, 13, 11, 5, 7, 3, 3, 1, 1, 1},
                               {1, 17, 19, 3, 8, 5, 5, 2, 2, 1},
                               {3, 9, 10, 4, 6, 3, 2, 2, 0, 1},
                               {1, 12, 12, 2, 3, 3, 3, 1, 2, 2},
                               {1, 1, 1, 1, 1, 1, 1, 1, 0, 1}};
    int bad = 0;
    for (const ConvShape& s : cases) bad += run_case(s);
    std::printf("c conv2d: %s\n", bad ? "FAIL" : "OK");
    return bad ? 1 : 0;
}
