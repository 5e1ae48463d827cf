// Draws the lattice graph: lays the model out with ELK whenever its shape changes and renders
// only nodes that have a position.
import { useEffect, useMemo, useState } from "react";
import {
  Background,
  BackgroundVariant,
  Controls,
  MiniMap,
  ReactFlow,
  useReactFlow,
  type NodeChange,
} from "@xyflow/react";
import { layoutGraph, type Positions } from "./layout";
import { structureKey, type GraphModel } from "./model";
import { nodeTypes, type HostFlowNode } from "./nodes";

interface Props {
  model: GraphModel;
  selectedId: string | null;
  onSelect: (id: string | null) => void;
}

export function GraphCanvas({ model, selectedId, onSelect }: Props) {
  const [positions, setPositions] = useState<Positions>(new Map());
  const { fitView } = useReactFlow();
  const key = structureKey(model);

  useEffect(() => {
    let current = true;
    layoutGraph(model)
      .then((laid) => {
        if (!current) return;
        setPositions(laid);
        // Wait a frame so React Flow has the new nodes before fitting.
        requestAnimationFrame(() => void fitView({ padding: 0.3, maxZoom: 1.1, duration: 200 }));
      })
      .catch((err: unknown) => console.error("layout failed", err));
    return () => {
      current = false;
    };
    // Re-layout only when the structure changes, not on every uptime tick.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [key, fitView]);

  const nodes = useMemo<HostFlowNode[]>(
    () =>
      model.nodes.flatMap((n) => {
        const position = positions.get(n.id);
        if (!position) return [];
        return [
          {
            id: n.id,
            type: n.kind,
            position,
            data: n.data,
            width: n.width,
            height: n.height,
            selected: n.id === selectedId,
            draggable: true,
            connectable: false,
          },
        ];
      }),
    [model, positions, selectedId],
  );

  // Keep dragged nodes where the user put them (until the next re-layout).
  const onNodesChange = (changes: NodeChange<HostFlowNode>[]) => {
    const moves = changes.flatMap((c) => (c.type === "position" && c.position ? [[c.id, c.position] as const] : []));
    if (moves.length === 0) return;
    setPositions((prev) => {
      const next = new Map(prev);
      for (const [id, position] of moves) next.set(id, position);
      return next;
    });
  };

  return (
    <ReactFlow
      onNodesChange={onNodesChange}
      nodes={nodes}
      edges={[]}
      nodeTypes={nodeTypes}
      colorMode="dark"
      minZoom={0.2}
      maxZoom={2}
      proOptions={{ hideAttribution: true }}
      onNodeClick={(_, node) => onSelect(node.id)}
      onPaneClick={() => onSelect(null)}
    >
      <Background variant={BackgroundVariant.Dots} gap={22} size={1.2} color="#2b3445" />
      <Controls showInteractive={false} />
      <MiniMap pannable zoomable style={{ width: 160, height: 100 }} nodeColor="#3b82f6" maskColor="rgba(10,13,20,0.7)" />
    </ReactFlow>
  );
}
