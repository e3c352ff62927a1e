import { render } from 'preact';
import { App } from './app';
import { startAuth } from './firebase';
import './styles.css';

const root = document.getElementById('app')!;
startAuth().then(
  (auth) => render(<App auth={auth} />, root),
  (error: Error) => render(<p role="alert">The portal could not start: {error.message}</p>, root),
);
