/*-------------------------------------------------------------------------
 *
 * relorm.c
 *	  Module initialisation, and the one bracket around every relorm call.
 *
 * The metadata cache and the plan caches cannot free what an invalidation
 * retired while a caller may still hold it: a relorm call further up the
 * stack (a trigger that calls relorm while relorm runs a statement) may be
 * using it.  No relorm call is running when a transaction ends, so that is
 * when they free it: each registers a callback here (layer 0 calls no
 * module; modules register themselves when they first set up).  The
 * SQL-callable functions therefore need no bracket of their own, and an
 * error anywhere needs no cleanup.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "access/xact.h"
#include "fmgr.h"

#include "relorm.h"

PG_MODULE_MAGIC;

void		_PG_init(void);

#define MAX_XACT_END_CALLBACKS 8

static RelormXactEndCallback xact_end_callbacks[MAX_XACT_END_CALLBACKS];
static int	n_xact_end_callbacks = 0;

/*
 * at_xact_end runs the registered callbacks when a top-level transaction
 * commits or aborts.
 */
static void
at_xact_end(XactEvent event, void *arg)
{
	int			i;

	if (event != XACT_EVENT_COMMIT && event != XACT_EVENT_ABORT &&
		event != XACT_EVENT_PARALLEL_COMMIT && event != XACT_EVENT_PARALLEL_ABORT)
		return;
	for (i = 0; i < n_xact_end_callbacks; i++)
		xact_end_callbacks[i] ();
}

/*
 * _PG_init registers the transaction callback.
 */
void
_PG_init(void)
{
	RegisterXactCallback(at_xact_end, NULL);
}

/*
 * relorm_at_transaction_end registers a function to run at the end of
 * every transaction (each module once, when it sets up its cache).
 */
void
relorm_at_transaction_end(RelormXactEndCallback callback)
{
	int			i;

	for (i = 0; i < n_xact_end_callbacks; i++)
		if (xact_end_callbacks[i] == callback)
			return;
	if (n_xact_end_callbacks >= MAX_XACT_END_CALLBACKS)
		elog(ERROR, "too many relorm transaction-end callbacks");
	xact_end_callbacks[n_xact_end_callbacks++] = callback;
}
