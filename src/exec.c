/*-------------------------------------------------------------------------
 *
 * exec.c
 *	  The plan cache and SPI execution of relorm's statements.
 *
 * A statement is prepared the first time an operation needs it for a
 * relation in a shape, kept with SPI_keepplan, and hung on the relation's
 * RelationInfo.  When the metadata is invalidated the plans are freed with
 * it (catalog.c, relorm_metadata_reap); until then PostgreSQL's plan cache
 * replans them if statistics or indexes change.
 *
 * Statements run as the caller (no user switch): privileges and row-level
 * security apply.  Constraint violations (SQLSTATE class 23) raised by a
 * statement get a hint that says what relorm was doing.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "executor/spi.h"
#include "utils/elog.h"
#include "utils/memutils.h"

#include "relorm.h"

/*
 * relorm_plan returns the prepared statement of (rel, op, shape),
 * preparing and keeping it on first use.  Must run inside SPI.
 */
SPIPlanPtr
relorm_plan(RelationInfo *rel, RelOp op, KeyShapeKind shape)
{
	SPIPlanPtr	plan = rel->plans[op][shape];

	if (plan == NULL)
	{
		Oid			argtypes[2 * RELORM_MAX_KEY_COLUMNS];
		int			nargs;
		char	   *sql = build_statement(rel, op, shape, argtypes, &nargs);

		plan = SPI_prepare(sql, nargs, argtypes);
		if (plan == NULL)
			elog(ERROR, "SPI_prepare failed for \"%s\": %s",
				 sql, SPI_result_code_string(SPI_result));
		if (SPI_keepplan(plan) != 0)
			elog(ERROR, "SPI_keepplan failed");
		rel->plans[op][shape] = plan;
	}
	return plan;
}

/*
 * relorm_plans_free frees the prepared statements of a retired relation.
 */
void
relorm_plans_free(RelationInfo *rel)
{
	int			op;
	int			shape;

	for (op = 0; op < RELOP__COUNT; op++)
		for (shape = 0; shape < SHAPE__COUNT; shape++)
			if (rel->plans[op][shape] != NULL)
			{
				SPI_freeplan(rel->plans[op][shape]);
				rel->plans[op][shape] = NULL;
			}
}

/*
 * constraint_hint says, for a constraint violation raised by one of our
 * statements, what relorm was doing and what the caller may do.
 */
static char *
constraint_hint(RelationInfo *rel, RelOp op, int sqlerrcode)
{
	const TableInfo *changed;

	changed = rel->kind == RELORM_MANY_TO_MANY ? &rel->junction :
		rel->kind == RELORM_BELONGS_TO ? &rel->source : &rel->target;

	switch (sqlerrcode)
	{
		case ERRCODE_NOT_NULL_VIOLATION:
			if (op == RELOP_REMOVE || op == RELOP_SET_UNLINK)
				return psprintf("Relation \"%s\" unlinks rows of table \"%s\" by setting their foreign key to NULL, which the column does not allow; delete the rows instead, or make the column nullable.",
								rel->name, changed->name);
			break;
		case ERRCODE_UNIQUE_VIOLATION:
			return psprintf("A unique constraint of table \"%s\" allows no second link of this kind through relation \"%s\".",
							changed->name, rel->name);
		case ERRCODE_FOREIGN_KEY_VIOLATION:
			return psprintf("Relation \"%s\" links rows of table \"%s\" that a foreign key does not allow; a row may have been deleted by a concurrent transaction.",
							rel->name, changed->name);
		default:
			break;
	}
	return NULL;
}

/*
 * relorm_execute runs the statement of (rel, op, shape) with the given
 * parameters and returns SPI's result code; the rows are in SPI_tuptable.
 */
int
relorm_execute(RelationInfo *rel, RelOp op, KeyShapeKind shape,
			   Datum *values, bool read_only)
{
	SPIPlanPtr	plan = relorm_plan(rel, op, shape);
	MemoryContext context = CurrentMemoryContext;
	volatile int ret = 0;

	PG_TRY();
	{
		ret = SPI_execute_plan(plan, values, NULL, read_only, 0);
	}
	PG_CATCH();
	{
		ErrorData  *edata;
		char	   *hint;

		MemoryContextSwitchTo(context);
		edata = CopyErrorData();
		if (ERRCODE_TO_CATEGORY(edata->sqlerrcode) == ERRCODE_INTEGRITY_CONSTRAINT_VIOLATION &&
			edata->hint == NULL &&
			(hint = constraint_hint(rel, op, edata->sqlerrcode)) != NULL)
		{
			FlushErrorState();
			edata->hint = hint;
			ReThrowError(edata);
		}
		FreeErrorData(edata);
		PG_RE_THROW();
	}
	PG_END_TRY();

	if (ret < 0)
		elog(ERROR, "SPI_execute_plan failed: %s", SPI_result_code_string(ret));
	return ret;
}

/*
 * relorm_bind_keys puts the keys into values[next...] as parameters of the
 * given shape: one scalar per key column, or one array per key column.
 * Returns the next free position.
 */
int
relorm_bind_keys(Datum *values, int next, const KeyList *keys,
				 KeyShapeKind shape)
{
	int			c;

	if (shape == SHAPE_NONE)
		return next;
	for (c = 0; c < keys->columns->ncols; c++)
		values[next++] = shape == SHAPE_ONE ? keys->values[c][0]
			: keys_column_array(keys, c);
	return next;
}
