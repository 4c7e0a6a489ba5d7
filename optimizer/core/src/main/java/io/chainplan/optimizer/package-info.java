/** Domain model, algorithms, simulator and the optimizer service of chainplan. */
package io.chainplan.optimizer;
