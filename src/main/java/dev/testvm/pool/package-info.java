/**
 * Warm pools ({@code TestVMPool}): the pool reconciler that keeps pool VMs Ready, and the rules a
 * claim follows. A pool's VMs are TestVMs of their own ("members"), so the reconciler package does
 * all vSphere work for them; this package only creates, counts and deletes members and says
 * whose a claimed member's VM is. The claim itself runs in the TestVM reconciler's pass
 * ({@code reconciler.PoolClaimStep}). Depends on {@code api} only; {@code reconciler} and
 * {@code metrics} may depend on it.
 */
package dev.testvm.pool;
