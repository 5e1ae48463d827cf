// The window: the session tabs and the saved contexts around one session's workbench.
// The workbench is keyed by the session, so switching tabs shows that lattice's own
// graph, inspector, logs, events and history.
import { HistoryProvider } from "./history/HistoryContext";
import { ContextsList } from "./sessions/ContextsList";
import { SessionTabs } from "./sessions/SessionTabs";
import { useSessions } from "./sessions/useSessions";
import { Workbench } from "./Workbench";

export function App() {
  const sessions = useSessions();
  const { active } = sessions;
  return (
    <HistoryProvider key={active}>
      <Workbench
        key={active}
        session={active}
        tabs={
          <SessionTabs
            sessions={sessions.sessions}
            active={active}
            onSelect={sessions.setActive}
            onClose={sessions.close}
          />
        }
        contexts={<ContextsList model={sessions} />}
      />
    </HistoryProvider>
  );
}
