import { ApiError, describeError } from '../api/http';
import { useSession } from '../auth/session';

/** An error in a sentence; a refused token comes with the way out. */
export function ErrorText({ error }: { error: unknown }) {
  const { signOut } = useSession();
  const refused = error instanceof ApiError && error.isUnauthorized;
  return (
    <span className="error-text">
      {describeError(error)}{' '}
      {refused && (
        <button type="button" className="link" onClick={signOut}>
          Sign in again
        </button>
      )}
    </span>
  );
}
