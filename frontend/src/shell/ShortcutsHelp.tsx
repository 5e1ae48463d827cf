import { SHORTCUTS } from "./shortcuts";

interface Props {
  onClose: () => void;
}

/** The keyboard shortcuts, listed from the same table the handler uses. */
export function ShortcutsHelp({ onClose }: Props) {
  return (
    <div className="overlay" role="dialog" aria-label="Keyboard shortcuts" onClick={onClose} data-testid="shortcuts-help">
      <div className="overlay__card" onClick={(e) => e.stopPropagation()}>
        <div className="overlay__title">Keyboard shortcuts</div>
        <table className="shortcuts">
          <tbody>
            {SHORTCUTS.map((s) => (
              <tr key={s.action}>
                <td>
                  <kbd>{s.keys}</kbd>
                </td>
                <td>{s.description}</td>
              </tr>
            ))}
          </tbody>
        </table>
        <button type="button" className="btn" onClick={onClose}>
          Close
        </button>
      </div>
    </div>
  );
}
