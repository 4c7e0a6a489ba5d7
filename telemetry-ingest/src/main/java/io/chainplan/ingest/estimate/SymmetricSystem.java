package io.chainplan.ingest.estimate;

import java.util.Arrays;

/**
 * A small symmetric positive semi-definite linear system {@code M theta = v} (the normal equations
 * of {@link TokenRegression}, dimension 2 or 3), solved by a Cholesky factorization of the
 * diagonally scaled matrix {@code D^-1 M D^-1} ({@code D = sqrt(diag M)}), so that coefficients of
 * very different magnitudes (seconds per request against seconds per token) are treated alike.
 * A pivot below {@link #SINGULAR} of the scaled matrix (a direction the data do not determine)
 * makes the system singular. Hand-written rather than a matrix library: the arithmetic of a 3 x 3
 * system is a few dozen operations, and it runs once per request hop.
 * <p>Packed storage: the upper triangle row by row, {@code m[0][0], m[0][1], ..., m[0][p-1],
 * m[1][1], ...}. Pure and thread-safe.
 */
final class SymmetricSystem {
    /** Smallest pivot of the scaled matrix (whose diagonal is 1) that counts as determined. */
    static final double SINGULAR = 1e-9;

    private SymmetricSystem() {
    }

    /** @return the index of {@code m[i][j]} in the packed upper triangle of a {@code p x p} matrix */
    static int index(int p, int i, int j) {
        int r = Math.min(i, j);
        int c = Math.max(i, j);
        return r * p - r * (r - 1) / 2 + (c - r);
    }

    /** @return {@code p (p + 1) / 2} */
    static int packedSize(int p) {
        return p * (p + 1) / 2;
    }

    /**
     * Factors the scaled matrix {@code D^-1 (M + ridge diag M) D^-1 = L L'}.
     *
     * @param d out: the scale {@code sqrt(diag(M + ridge diag M))}
     * @param l out: {@code L}, row-major {@code p x p}
     * @return false if the matrix is singular (a zero diagonal or a pivot below {@link #SINGULAR})
     */
    private static boolean factor(int p, double[] m, double ridge, double[] d, double[] l) {
        for (int i = 0; i < p; i++) {
            double mii = m[index(p, i, i)] * (1 + ridge);
            if (!(mii > 0) || !Double.isFinite(mii)) {
                return false;
            }
            d[i] = Math.sqrt(mii);
        }
        for (int i = 0; i < p; i++) {
            for (int j = 0; j <= i; j++) {
                double sum = (i == j ? m[index(p, i, i)] * (1 + ridge) : m[index(p, i, j)]) / (d[i] * d[j]);
                for (int k = 0; k < j; k++) {
                    sum -= l[i * p + k] * l[j * p + k];
                }
                if (i == j) {
                    if (!(sum > SINGULAR)) {
                        return false;
                    }
                    l[i * p + i] = Math.sqrt(sum);
                } else {
                    l[i * p + j] = sum / l[j * p + j];
                }
            }
        }
        return true;
    }

    /**
     * @param p dimension
     * @param m the matrix, packed
     * @param v the right-hand side
     * @return theta, or null if the matrix is singular
     */
    static double[] solve(int p, double[] m, double[] v) {
        return solve(p, m, 0, v, 0);
    }

    /**
     * Solves {@code (M + ridge diag M) theta = v} for a matrix packed at the start of {@code m} and a
     * right-hand side at {@code v[vOffset..]} (the layout of a fit's sums: no copies on the per-hop path).
     *
     * @param p       dimension
     * @param m       the matrix, packed from index 0
     * @param ridge   relative ridge, {@code >= 0}
     * @param v       holds the right-hand side
     * @param vOffset where it starts
     * @return theta, or null if the matrix is singular
     */
    static double[] solve(int p, double[] m, double ridge, double[] v, int vOffset) {
        double[] d = new double[p];
        double[] l = new double[p * p];
        if (!factor(p, m, ridge, d, l)) {
            return null;
        }
        return substitute(p, d, l, v, vOffset);
    }

    private static double[] substitute(int p, double[] d, double[] l, double[] v, int vOffset) {
        double[] x = new double[p];
        for (int i = 0; i < p; i++) {
            double sum = v[vOffset + i] / d[i];
            for (int k = 0; k < i; k++) {
                sum -= l[i * p + k] * x[k];
            }
            x[i] = sum / l[i * p + i];
        }
        for (int i = p - 1; i >= 0; i--) {
            double sum = x[i];
            for (int k = i + 1; k < p; k++) {
                sum -= l[k * p + i] * x[k];
            }
            x[i] = sum / l[i * p + i];
        }
        for (int i = 0; i < p; i++) {
            x[i] /= d[i];
        }
        return x;
    }

    /**
     * The prediction {@code x . theta} of the solution of {@code (M + ridge diag M) theta = v} at
     * {@code x = (1, x1)} ({@code p = 2}) or {@code (1, x1, x2)} ({@code p = 3}): the same scaled
     * Cholesky solve as {@link #solve}, unrolled into locals so that it allocates nothing (it runs
     * once per request hop).
     *
     * @param p       dimension, 2 or 3
     * @param m       the matrix, packed from index 0
     * @param ridge   relative ridge, {@code > 0}
     * @param v       holds the right-hand side
     * @param vOffset where it starts
     * @param x1      second regressor
     * @param x2      third regressor (ignored when {@code p = 2})
     * @return the prediction, NaN if the matrix is singular
     */
    static double predict(int p, double[] m, double ridge, double[] v, int vOffset, double x1, double x2) {
        // scaled matrix: unit diagonal, off-diagonal r_ij = m_ij / (d_i d_j); L its Cholesky factor
        double g = 1 + ridge;
        double d0 = Math.sqrt(m[0] * g);
        double d1 = Math.sqrt(m[index(p, 1, 1)] * g);
        double r01 = m[1] / (d0 * d1);
        double l11 = Math.sqrt(1 - sq(r01));
        double z0 = v[vOffset] / d0;
        double z1Raw = v[vOffset + 1] / d1 - r01 * z0;
        if (p == 2) {
            double t1 = z1Raw / l11 / l11;
            double t0 = z0 - r01 * t1;
            return usable(d0, d1, l11) ? t0 / d0 + x1 * t1 / d1 : Double.NaN;
        }
        double d2 = Math.sqrt(m[index(p, 2, 2)] * g);
        double r02 = m[2] / (d0 * d2);
        double r12 = m[index(p, 1, 2)] / (d1 * d2);
        double l21 = (r12 - r02 * r01) / l11;
        double l22 = Math.sqrt(1 - sq(r02) - sq(l21));
        double z1 = z1Raw / l11;
        double z2 = (v[vOffset + 2] / d2 - r02 * z0 - l21 * z1) / l22;
        double t2 = z2 / l22;
        double t1 = (z1 - l21 * t2) / l11;
        double t0 = z0 - r01 * t1 - r02 * t2;
        return usable(d0, d1, l11) && usable(d2, 1, l22) ? t0 / d0 + x1 * t1 / d1 + x2 * t2 / d2 : Double.NaN;
    }

    private static double sq(double x) {
        return x * x;
    }

    /** Whether two scales are positive and finite and a pivot is at least {@code sqrt(SINGULAR)}, as {@link #factor} requires. */
    private static boolean usable(double scaleA, double scaleB, double pivot) {
        return scaleA > 0 && scaleB > 0 && Double.isFinite(scaleA) && Double.isFinite(scaleB) && pivot > Math.sqrt(SINGULAR)
                && Double.isFinite(pivot);
    }

    /**
     * @param p dimension
     * @param m the matrix, packed
     * @return the diagonal of the inverse, or null if the matrix is singular
     */
    static double[] inverseDiagonal(int p, double[] m) {
        double[] d = new double[p];
        double[] l = new double[p * p];
        if (!factor(p, m, 0, d, l)) {
            return null;
        }
        double[] out = new double[p];
        for (int i = 0; i < p; i++) {
            double[] e = new double[p];
            e[i] = 1;
            out[i] = substitute(p, d, l, e, 0)[i];
        }
        return out;
    }

    /**
     * @param p     dimension
     * @param m     the matrix, packed
     * @param ridge relative ridge: {@code ridge * m[i][i]} is added to each diagonal entry
     * @return a copy with the ridge added
     */
    static double[] withRidge(int p, double[] m, double ridge) {
        double[] out = Arrays.copyOf(m, m.length);
        for (int i = 0; i < p; i++) {
            out[index(p, i, i)] *= 1 + ridge;
        }
        return out;
    }
}
