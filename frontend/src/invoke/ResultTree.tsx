// A call's result as a read-only tree under its WAVE text: one row per field, item or
// payload, branches collapsible. The layout itself comes from valueTree.ts.
import { Fragment, type ReactNode } from "react";
import { unwrap, type TreeNode } from "./valueTree";

// Rows this deep and deeper start folded: the top of a big result stays readable.
const OPEN_DEPTH = 3;

/** `tree`, laid out by `resultTree`, as nested rows. */
export function ResultTree({ tree }: { tree: TreeNode }) {
  return (
    <div className="result-tree mono selectable" data-testid="invoke-result-tree" aria-label="result as a tree">
      <Row node={tree} depth={0} />
    </div>
  );
}

function Row({ node, depth }: { node: TreeNode; depth: number }) {
  const { heads, body } = unwrap(node);
  const parts: ReactNode[] = [];
  if (node.label !== null) parts.push(<span className="result-tree__label">{node.label}:</span>);
  for (const h of [...heads, body]) parts.push(<span className={`result-tree__value--${h.kind}`}>{h.text}</span>);
  if (body.note !== null) parts.push(<span className="muted">{body.note}</span>);
  // Plain spaces between the parts leave a summary its default layout, disclosure marker included.
  const line = parts.map((part, i) => (
    <Fragment key={i}>
      {i > 0 && " "}
      {part}
    </Fragment>
  ));
  if (body.children.length === 0 && body.more === 0) return <div className="result-tree__row">{line}</div>;
  return (
    <details className="result-tree__branch" open={depth < OPEN_DEPTH}>
      <summary className="result-tree__row">{line}</summary>
      <div className="result-tree__children">
        {body.children.map((child, i) => (
          <Row key={i} node={child} depth={depth + 1} />
        ))}
        {body.more > 0 && <div className="result-tree__row muted">… {body.more} more</div>}
      </div>
    </details>
  );
}
